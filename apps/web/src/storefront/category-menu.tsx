import type { CategoryNodeDto } from '@kameng/contracts';
import { Menu } from 'antd';
import { navigate, withQuery } from '../lib/router.ts';

function openCategory(id: string) {
  navigate(withQuery('/search', { categoryId: id }));
}

/** The category tree as a vertical menu whose sub-categories pop out; its own chunk. */
export default function CategoryMenu({ categories }: { categories: CategoryNodeDto[] }) {
  const toItem = (c: CategoryNodeDto): NonNullable<Parameters<typeof Menu>[0]['items']>[number] => ({
    key: c.id,
    label: c.name,
    ...(c.children.length > 0 ? { children: c.children.map(toItem), onTitleClick: () => openCategory(c.id) } : {}),
  });
  return (
    <Menu
      mode="vertical"
      selectable={false}
      items={categories.map(toItem)}
      onClick={({ key }) => openCategory(key)}
      style={{ borderInlineEnd: 0 }}
    />
  );
}
