import { DownloadOutlined } from '@ant-design/icons';
import { Button, Space } from 'antd';
import { useCommonT } from './i18n.ts';
import { withParams } from './query.ts';

type Params = Record<string, string | number | boolean | undefined | null>;

/**
 * 导出 CSV / 导出 Excel for a list: plain download links (the session cookie goes with them) to the list's
 * export endpoint with the filters the list shows now; the server streams the file.
 */
export function ExportButtons(props: { path: string; params?: Params }) {
  const t = useCommonT();
  const href = (format: 'csv' | 'xlsx') => withParams(props.path, { ...props.params, format });
  return (
    <Space.Compact>
      <Button icon={<DownloadOutlined />} href={href('csv')} download data-testid="export-csv">
        {t('common.exportCsv')}
      </Button>
      <Button icon={<DownloadOutlined />} href={href('xlsx')} download data-testid="export-xlsx">
        {t('common.exportExcel')}
      </Button>
    </Space.Compact>
  );
}
