import { Layout, Result } from 'antd';

/** The admin console: every /admin/* path; loaded on demand, never part of the storefront's first load. */
export default function AdminConsole({ path }: { path: string }) {
  return (
    <Layout.Content style={{ padding: 24 }}>
      <Result status="404" title={path} />
    </Layout.Content>
  );
}
