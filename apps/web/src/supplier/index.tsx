import { Layout, Result } from 'antd';

/** The supplier console: every /supplier/* path; loaded on demand, never part of the storefront's first load. */
export default function SupplierConsole({ path }: { path: string }) {
  return (
    <Layout.Content style={{ padding: 24 }}>
      <Result status="404" title={path} />
    </Layout.Content>
  );
}
