import { Form, type FormInstance, Modal } from 'antd';
import { type ReactNode, useEffect, useRef } from 'react';
import { useCommonT } from './i18n.ts';
import { ErrorAlert } from './layout.tsx';
import { useAction } from './use-action.ts';

/**
 * A dialog around one form: OK submits it, `onSubmit` does the work, the dialog closes when it succeeds and
 * shows the failure under the fields when it does not. `onError` may put field errors next to their fields.
 */
export function FormModal<V extends object>(props: {
  open: boolean;
  title: ReactNode;
  okText: string;
  danger?: boolean;
  onClose: () => void;
  onSubmit: (values: V) => Promise<void>;
  onError?: (err: unknown, form: FormInstance<V>) => void;
  initialValues?: Partial<V>;
  form?: FormInstance<V>;
  children: ReactNode;
}) {
  const t = useCommonT();
  const [own] = Form.useForm<V>();
  const form = props.form ?? own;
  const { busy, error, run, clearError } = useAction();
  const initial = useRef(props.initialValues);
  initial.current = props.initialValues;
  // A form instance outlives the dialog: what was typed (or prefilled) last time and then cancelled would come
  // back, e.g. a parent category in 添加顶级类目. Each opening starts from this opening's values.
  useEffect(() => {
    if (!props.open) return;
    form.resetFields();
    form.setFieldsValue((initial.current ?? {}) as Parameters<typeof form.setFieldsValue>[0]);
  }, [props.open, form]);
  return (
    <Modal
      open={props.open}
      // a title with an order number is one long word on a phone: it wraps, clear of the close button
      title={<div style={{ paddingRight: 24, overflowWrap: 'anywhere' }}>{props.title}</div>}
      okText={props.okText}
      okButtonProps={{ danger: props.danger ?? false }}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      onOk={() => form.submit()}
      onCancel={() => {
        clearError();
        props.onClose();
      }}
      destroyOnHidden
    >
      <Form<V>
        form={form}
        layout="vertical"
        requiredMark={false}
        initialValues={props.initialValues}
        onFinish={(v) =>
          run(
            async () => {
              await props.onSubmit(v);
              form.resetFields();
              props.onClose();
            },
            (err) => props.onError?.(err, form),
          )
        }
      >
        {props.children}
      </Form>
      <ErrorAlert error={error} />
    </Modal>
  );
}
