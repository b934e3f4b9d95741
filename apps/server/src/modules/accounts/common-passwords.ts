/**
 * Passwords that appear at the top of public breach corpora, Chinese and international.
 * Checked case-insensitively, together with the pattern rules in isCommonPassword.
 */
const LIST = `
123456 123456789 12345678 password qwerty123 qwerty 1234567890 1234567 111111 123123 abc123 password1 1q2w3e4r
000000 iloveyou 1qaz2wsx 123321 654321 666666 888888 112233 121212 123654 123qwe qwe123 a123456 a12345678
aa123456 aa12345678 abc12345 abcd1234 abcdefg abcdefgh admin admin123 admin888 administrator asdf1234 asdfgh
asdfghjk asdfghjkl asd123 q1w2e3r4 q1w2e3r4t5 qazwsx qazwsxedc qwer1234 qwertyui qwertyuiop zxcvbnm zxcvbnm123
1qaz2wsx3edc woaini woaini1314 woaini520 5201314 520520 1314520 13145200 wo123456 woaini123 iloveyou1
qq123456 qq666666 qq888888 taobao taobao123 baidu123 weixin weixin123 alipay alipay123 zhang123 wang123
li123456 liu123456 chen123456 huang123 zhao123456 123456a 123456aa 123456abc 123456qq 147258369 147258
159357 159753 258258 369369 741852963 789456 789456123 987654321 9876543210 11111111 22222222 33333333
44444444 55555555 66666666 77777777 88888888 99999999 00000000 12341234 11223344 12121212 123123123
12344321 1234qwer 1q2w3e 1q2w3e4r5t 1q2w3e4r5t6y 2wsx3edc 3edc4rfv zaq12wsx zaq1xsw2 !qaz2wsx passw0rd
p@ssw0rd p@ssword password123 password12 password1234 pass1234 letmein welcome welcome1 monkey dragon
football baseball master sunshine princess shadow superman batman trustno1 starwars whatever freedom
michael jennifer jordan23 hunter2 killer charlie donald secret secret123 login root root123 toor test
test123 test1234 guest guest123 changeme default kameng kameng123 kamen123 iloveu loveyou lovely
computer internet football1 hello123 hello1234 helloworld google google123 samsung apple123 iphone
nihao123 nihaoma nicai123 meiyou mima123 mima1234 mimamima woshishui zhongguo china123 beijing shanghai
shenzhen guangzhou hangzhou 7758521 7758258 1314521 5211314 521521 520131 woaiwojia aini1314 qwe123456
qweasd qweasdzxc qweqwe asdasd zxczxc 1234abcd abcd123456 a1b2c3d4 a1234567 a11111 aaa111 aaaaaa
aaaaaaaa abcabc qqqqqq qqqqqqqq 123abc 123456789a 12345678a 1234567a 12345a a123456789 a1234 123456789q
`;

const COMMON = new Set(
  LIST.split(/\s+/)
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean),
);

function isSequence(s: string): boolean {
  if (s.length < 6) return false;
  const codes = [...s].map((c) => c.charCodeAt(0));
  const step = (codes[1] ?? 0) - (codes[0] ?? 0);
  if (Math.abs(step) > 1) return false;
  return codes.every((c, i) => i === 0 || c - (codes[i - 1] ?? 0) === step);
}

/** True for a password on the list (give or take two characters at either end), a single repeated character, or a straight run like 12345678 or abcdefgh. */
export function isCommonPassword(password: string, context: (string | null | undefined)[] = []): boolean {
  const p = password.toLowerCase();
  if (COMMON.has(p)) return true;
  // a listed password with one or two characters tacked on either end is no stronger
  for (let cut = 1; cut <= 2 && p.length - cut >= 6; cut++) {
    if (COMMON.has(p.slice(0, -cut)) || COMMON.has(p.slice(cut))) return true;
  }
  if (new Set(p).size <= 2) return true;
  if (isSequence(p)) return true;
  for (const c of context) {
    if (!c) continue;
    const local = c.toLowerCase().split('@')[0] ?? '';
    if (p === c.toLowerCase() || (local.length >= 4 && p.includes(local))) return true;
  }
  return false;
}
