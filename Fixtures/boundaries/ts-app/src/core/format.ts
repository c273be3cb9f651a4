import { zero } from './money'          // an index file
import type { Cart } from '@core/../features/cart/cart'  // type-only, reaching up
export const format = (m = zero) => `${m.cents / 100}`;
export type { Cart };
