import { useDisputesT } from './messages.ts';
import { CaseQueue } from './queue.tsx';
import { StepForm } from './step-form.tsx';

/** The supplier's 售后 queue: unanswered cases first, each answered in one step (refund, replace, reject). */
export default function SupplierDisputes() {
  const t = useDisputesT();
  return (
    <CaseQueue
      title={t('menu')}
      listPath="/api/v1/supplier/disputes"
      awaiting="open"
      actions={(c) =>
        c.status === 'open' ? (
          <StepForm
            c={c}
            url={`/api/v1/supplier/disputes/${encodeURIComponent(c.id)}/answer`}
            textField="message"
            title="answer"
            submit="answerSubmit"
          />
        ) : null
      }
    />
  );
}
