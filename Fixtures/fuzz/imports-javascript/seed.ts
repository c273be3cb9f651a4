export * from '../features/cart/cart';
export const lazyCart = () => import('../features/cart/cart');
