export type Money = { cents: number };
export const zero: Money = { cents: 0 };
