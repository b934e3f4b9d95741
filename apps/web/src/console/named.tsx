import { Typography } from 'antd';

/** A name first; the id it stands for only as a small line to copy. */
export function Named({ name, id }: { name: string; id: string | null }) {
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
