/** What each feed is, whose prices it carries, and the terms we republish them under. */
export interface FeedInfo {
  feed: string;
  markets: string[];
  url: string;
  licence: string;
  attribution: string;
  note?: string;
}

export const FEEDS: FeedInfo[] = [
  {
    feed: 'tcgcsv',
    markets: ['tcgplayer'],
    url: 'https://tcgcsv.com',
    licence: 'No licence stated; TCGplayer market data mirrored daily by TCGCSV.',
    attribution: 'Prices: TCGplayer, via TCGCSV.',
  },
  {
    feed: 'pokemontcg',
    markets: ['tcgplayer', 'cardmarket'],
    url: 'https://pokemontcg.io',
    licence: 'No licence stated for prices; card data from the Pokémon TCG API.',
    attribution: 'Card data and prices: the Pokémon TCG API (pokemontcg.io).',
    note: 'Announced to shut down on 2027-03-01; never the only price path.',
  },
  {
    feed: 'tcgdex',
    markets: ['tcgplayer', 'cardmarket'],
    url: 'https://tcgdex.dev',
    licence: 'MIT (TCGdex cards database).',
    attribution: 'Card data and prices: TCGdex.',
  },
  {
    feed: 'justtcg',
    markets: ['tcgplayer'],
    url: 'https://justtcg.com',
    licence: 'Commercial API; terms of the operator’s JustTCG plan apply.',
    attribution: 'Price history: JustTCG.',
  },
  {
    feed: 'ecb',
    markets: [],
    url: 'https://www.ecb.europa.eu/stats/policy_and_exchange_rates/euro_reference_exchange_rates/',
    licence: 'ECB reference rates, free reuse with attribution.',
    attribution: 'Exchange rates: European Central Bank euro reference rates.',
  },
  {
    feed: 'demo',
    markets: ['tcgplayer'],
    url: '',
    licence: 'Invented by cardquant’s demo generator; no real prices.',
    attribution: 'Demo data: invented, not real prices.',
  },
];
