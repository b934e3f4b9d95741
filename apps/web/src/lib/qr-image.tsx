import QRCode from 'qrcode';
import { useEffect, useState } from 'react';

/** A QR code drawn in the browser; its own chunk (the encoder is only needed on a cashier page). */
export default function QrImage({ text, alt, size = 220 }: { text: string; alt: string; size?: number }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    QRCode.toDataURL(text, { width: size, margin: 1, errorCorrectionLevel: 'M' }).then(
      (url) => live && setSrc(url),
      () => live && setSrc(null),
    );
    return () => {
      live = false;
    };
  }, [text, size]);
  return src ? (
    <img src={src} alt={alt} width={size} height={size} data-testid="pay-qr" />
  ) : (
    <div style={{ width: size, height: size, background: '#f5f5f5' }} />
  );
}
