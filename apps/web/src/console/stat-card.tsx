import { Badge, Card, Col, type ColProps, Statistic, Typography } from 'antd';
import type { CSSProperties, ReactNode } from 'react';
import { linkTo } from '../lib/router.ts';
import { formatCents } from './format.ts';

/** Four to a row on a wide screen, two on a phone, as the consoles' dashboards lay their figures out. */
const QUARTER: ColProps = { xs: 12, lg: 6 };

/**
 * One figure of a console's dashboard or money page: a title, a value (an amount in fen is formatted; a missing
 * one reads as a dash while it loads or when it failed), a line under it, and, with `to`, a link to the page
 * where it is dealt with (a queue: it shows a dot while something waits).
 */
export function StatCard(props: {
  title: string;
  value: number | undefined;
  money?: boolean;
  loading: boolean;
  hint?: ReactNode;
  hintType?: 'secondary' | 'warning';
  valueStyle?: CSSProperties;
  to?: string;
  cols?: ColProps;
}) {
  const shown = props.value === undefined ? '—' : props.money ? formatCents(props.value) : props.value;
  const card = (
    <Card hoverable={props.to !== undefined}>
      <Statistic
        title={props.title}
        value={shown}
        loading={props.loading}
        valueStyle={props.valueStyle}
        prefix={props.to && props.value !== undefined && props.value > 0 ? <Badge status="processing" /> : null}
      />
      {props.hint && <Typography.Text type={props.hintType ?? 'secondary'}>{props.hint}</Typography.Text>}
    </Card>
  );
  return <Col {...(props.cols ?? QUARTER)}>{props.to ? <a {...linkTo(props.to)}>{card}</a> : card}</Col>;
}
