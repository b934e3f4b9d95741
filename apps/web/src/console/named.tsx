import { Typography } from 'antd';
import type { ReactNode } from 'react';

/** A name first; the id it stands for only as a small line to copy. */
export function Named({ name, id }: { name: ReactNode; id: string | null }) {
  return (
    <>
      <div>{name}</div>
      {id && (
        <Typography.Text type="secondary" copyable style={{ fontSize: 12 }}>
          {id}
        </Typography.Text>
      )}
    </>
  );
}
