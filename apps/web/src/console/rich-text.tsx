import StarterKit from '@tiptap/starter-kit';
import { EditorContent, useEditor, useEditorState } from '@tiptap/react';
import { Button, Flex, Tooltip } from 'antd';
import { type ReactNode, useEffect } from 'react';
import { useCommonT } from './i18n.ts';

/**
 * A rich-text box (Tiptap) for an antd Form.Item: `value` and `onChange` carry HTML. It offers what the server's
 * sanitiser keeps (headings, bold, italic, underline, strike-through, lists, quotes, links); the server sanitises
 * whatever arrives all the same, this only spares a supplier typing tags.
 */
export function RichTextEditor({
  value,
  onChange,
  id,
  label,
}: {
  value?: string;
  onChange?: (html: string) => void;
  id?: string;
  label?: string;
}) {
  const t = useCommonT();
  const editor = useEditor({
    extensions: [
      StarterKit.configure({
        heading: { levels: [2, 3, 4] },
        codeBlock: false,
        // no empty paragraph kept after a list or quote: it would be stored with every description
        trailingNode: false,
        link: { openOnClick: false, protocols: ['http', 'https', 'mailto'], autolink: true },
      }),
    ],
    content: value ?? '',
    editorProps: {
      attributes: {
        class: 'rich-text-editor',
        style: 'min-height: 140px; max-height: 420px; overflow-y: auto; padding: 4px 11px; outline: none;',
        role: 'textbox',
        'aria-multiline': 'true',
        ...(label ? { 'aria-label': label } : {}),
        ...(id ? { id } : {}),
      },
    },
    // an empty editor is an empty description, not "<p></p>"
    onUpdate: ({ editor: e }) => onChange?.(e.isEmpty ? '' : e.getHTML()),
  });
  // the form loads or resets the value after the editor was made (editing a stored product)
  useEffect(() => {
    if (!editor || editor.isDestroyed) return;
    const current = editor.isEmpty ? '' : editor.getHTML();
    if ((value ?? '') !== current) editor.commands.setContent(value ?? '', { emitUpdate: false });
  }, [editor, value]);
  const active = useEditorState({
    editor,
    selector: ({ editor: e }) => ({
      bold: e?.isActive('bold') ?? false,
      italic: e?.isActive('italic') ?? false,
      underline: e?.isActive('underline') ?? false,
      strike: e?.isActive('strike') ?? false,
      h2: e?.isActive('heading', { level: 2 }) ?? false,
      h3: e?.isActive('heading', { level: 3 }) ?? false,
      bullet: e?.isActive('bulletList') ?? false,
      ordered: e?.isActive('orderedList') ?? false,
      quote: e?.isActive('blockquote') ?? false,
      link: e?.isActive('link') ?? false,
    }),
  });
  if (!editor) return null;
  const chain = () => editor.chain().focus();
  const tool = (key: string, label: string, on: boolean, run: () => void, face: ReactNode) => (
    <Tooltip title={label} key={key}>
      <Button size="small" type={on ? 'primary' : 'text'} aria-label={label} aria-pressed={on} onClick={run}>
        {face}
      </Button>
    </Tooltip>
  );
  const setLink = () => {
    const previous = editor.getAttributes('link').href as string | undefined;
    const href = window.prompt(t('rte.linkPrompt'), previous ?? 'https://');
    if (href === null) return;
    if (href.trim() === '' || href.trim() === 'https://') chain().extendMarkRange('link').unsetLink().run();
    else chain().extendMarkRange('link').setLink({ href: href.trim() }).run();
  };
  return (
    <div className="rich-text" style={{ border: '1px solid #d9d9d9', borderRadius: 6, background: '#fff' }}>
      <Flex
        wrap
        gap={2}
        className="rich-text-toolbar"
        role="toolbar"
        aria-label={t('rte.toolbar')}
        style={{ borderBottom: '1px solid #f0f0f0', padding: 4 }}
      >
        {tool('h2', t('rte.h2'), active?.h2 ?? false, () => chain().toggleHeading({ level: 2 }).run(), 'H2')}
        {tool('h3', t('rte.h3'), active?.h3 ?? false, () => chain().toggleHeading({ level: 3 }).run(), 'H3')}
        {tool('bold', t('rte.bold'), active?.bold ?? false, () => chain().toggleBold().run(), <b>B</b>)}
        {tool('italic', t('rte.italic'), active?.italic ?? false, () => chain().toggleItalic().run(), <i>I</i>)}
        {tool(
          'underline',
          t('rte.underline'),
          active?.underline ?? false,
          () => chain().toggleUnderline().run(),
          <u>U</u>,
        )}
        {tool('strike', t('rte.strike'), active?.strike ?? false, () => chain().toggleStrike().run(), <s>S</s>)}
        {tool('bullet', t('rte.bullet'), active?.bullet ?? false, () => chain().toggleBulletList().run(), '•')}
        {tool('ordered', t('rte.ordered'), active?.ordered ?? false, () => chain().toggleOrderedList().run(), '1.')}
        {tool('quote', t('rte.quote'), active?.quote ?? false, () => chain().toggleBlockquote().run(), '❝')}
        {tool('link', t('rte.link'), active?.link ?? false, setLink, '🔗')}
        {tool('undo', t('rte.undo'), false, () => chain().undo().run(), '↶')}
        {tool('redo', t('rte.redo'), false, () => chain().redo().run(), '↷')}
      </Flex>
      <EditorContent editor={editor} />
    </div>
  );
}
