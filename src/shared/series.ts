/** The series lists, movers and indexes read: TCGplayer market prices in USD, near mint. */
export const PRIMARY_SERIES = { market: 'tcgplayer', currency: 'USD', condition: 'NM' } as const;
