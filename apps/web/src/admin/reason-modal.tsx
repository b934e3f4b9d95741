import { Form, Input } from 'antd';
import { FormModal } from '../console/form-modal.tsx';
import { useT } from './messages.ts';

/** Asks for a reason, then calls `onSubmit(reason)`; the failure stays in the dialog. */
export function ReasonModal(props: {
  open: boolean;
  title: string;
  okText: string;
  onClose: () => void;
  onSubmit: (reason: string) => Promise<void>;
}) {
  const t = useT();
  return (
    <FormModal<{ reason: string }>
      open={props.open}
      title={props.title}
      okText={props.okText}
      danger
      onClose={props.onClose}
      onSubmit={(v) => props.onSubmit(v.reason.trim())}
    >
      <Form.Item
        name="reason"
        label={t('reviews.reason')}
        rules={[{ required: true, whitespace: true, message: t('common.required') }]}
      >
        <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} maxLength={500} showCount />
      </Form.Item>
    </FormModal>
  );
}
