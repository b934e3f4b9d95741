/**
 * The catalog's public face: exactly what its routes and other modules use. The work is done in files of
 * one concern each: categories, products (suppliers' own), covers, review, storefront, stock and sales.
 */
export { unitPriceCents } from '@kameng/contracts';
export { invalidateCatalogCache, invalidateCatalogProducts } from './catalog.cache.ts';
export { categoryPath, categoryTree, createCategory, deleteCategory, updateCategory } from './catalog.categories.ts';
export { findBannedWords, textOf } from './catalog.content.ts';
export { detectImage, MAX_COVER_BYTES, readUpload, uploadCover } from './catalog.covers.ts';
export { detailForViewer, listForViewer } from './catalog.buyer-prices.ts';
export {
  buyerPrices,
  type ListingDraft,
  listingCheck,
  type PricedListing,
  type PriceViewer,
  type ViewerPrices,
  stockCounts,
  supplierSuspended,
} from './catalog.hooks.ts';
export { getProductsForOrder, type ProductForOrder } from './catalog.product-views.ts';
export { createProduct, getMyProduct, myProducts, updateProduct } from './catalog.products.ts';
export {
  approveProduct,
  getBannedWords,
  listProductsForReview,
  rejectProduct,
  setBannedWords,
} from './catalog.review.ts';
export { recordSale, returnManualStock, takeManualStock } from './catalog.stock.ts';
export { productDetail, searchProducts } from './catalog.storefront.ts';
export { isSuspended, putBackOnSale, takeSupplierOffSale } from './catalog.suspension.ts';
export { liftTakedown, takeDownProduct, takeOffSaleInCategories, withDescendants } from './catalog.takedown.ts';
