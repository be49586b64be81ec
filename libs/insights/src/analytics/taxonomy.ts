/**
 * The two-level category taxonomy of spending analytics: Plaid's personal finance categories (PFC v1), the 16
 * primary categories and their detailed sub-categories (`<PRIMARY>_<SUFFIX>`), with a confidence level
 * (VERY_HIGH … UNKNOWN). See /work/shared/VENDORS.md §8 and Plaid's taxonomy CSV.
 */

const TAXONOMY = {
  INCOME: [
    'INCOME_DIVIDENDS',
    'INCOME_INTEREST_EARNED',
    'INCOME_RETIREMENT_PENSION',
    'INCOME_TAX_REFUND',
    'INCOME_UNEMPLOYMENT',
    'INCOME_WAGES',
    'INCOME_OTHER_INCOME',
  ],
  TRANSFER_IN: [
    'TRANSFER_IN_CASH_ADVANCES_AND_LOANS',
    'TRANSFER_IN_DEPOSIT',
    'TRANSFER_IN_INVESTMENT_AND_RETIREMENT_FUNDS',
    'TRANSFER_IN_SAVINGS',
    'TRANSFER_IN_ACCOUNT_TRANSFER',
    'TRANSFER_IN_OTHER_TRANSFER_IN',
  ],
  TRANSFER_OUT: [
    'TRANSFER_OUT_INVESTMENT_AND_RETIREMENT_FUNDS',
    'TRANSFER_OUT_SAVINGS',
    'TRANSFER_OUT_WITHDRAWAL',
    'TRANSFER_OUT_ACCOUNT_TRANSFER',
    'TRANSFER_OUT_OTHER_TRANSFER_OUT',
  ],
  LOAN_PAYMENTS: [
    'LOAN_PAYMENTS_CAR_PAYMENT',
    'LOAN_PAYMENTS_CREDIT_CARD_PAYMENT',
    'LOAN_PAYMENTS_PERSONAL_LOAN_PAYMENT',
    'LOAN_PAYMENTS_MORTGAGE_PAYMENT',
    'LOAN_PAYMENTS_STUDENT_LOAN_PAYMENT',
    'LOAN_PAYMENTS_OTHER_PAYMENT',
  ],
  BANK_FEES: [
    'BANK_FEES_ATM_FEES',
    'BANK_FEES_FOREIGN_TRANSACTION_FEES',
    'BANK_FEES_INSUFFICIENT_FUNDS',
    'BANK_FEES_INTEREST_CHARGE',
    'BANK_FEES_OVERDRAFT_FEES',
    'BANK_FEES_OTHER_BANK_FEES',
  ],
  ENTERTAINMENT: [
    'ENTERTAINMENT_CASINOS_AND_GAMBLING',
    'ENTERTAINMENT_MUSIC_AND_AUDIO',
    'ENTERTAINMENT_SPORTING_EVENTS_AMUSEMENT_PARKS_AND_MUSEUMS',
    'ENTERTAINMENT_TV_AND_MOVIES',
    'ENTERTAINMENT_VIDEO_GAMES',
    'ENTERTAINMENT_OTHER_ENTERTAINMENT',
  ],
  FOOD_AND_DRINK: [
    'FOOD_AND_DRINK_BEER_WINE_AND_LIQUOR',
    'FOOD_AND_DRINK_COFFEE',
    'FOOD_AND_DRINK_FAST_FOOD',
    'FOOD_AND_DRINK_GROCERIES',
    'FOOD_AND_DRINK_RESTAURANT',
    'FOOD_AND_DRINK_VENDING_MACHINES',
    'FOOD_AND_DRINK_OTHER_FOOD_AND_DRINK',
  ],
  GENERAL_MERCHANDISE: [
    'GENERAL_MERCHANDISE_BOOKSTORES_AND_NEWSSTANDS',
    'GENERAL_MERCHANDISE_CLOTHING_AND_ACCESSORIES',
    'GENERAL_MERCHANDISE_CONVENIENCE_STORES',
    'GENERAL_MERCHANDISE_DEPARTMENT_STORES',
    'GENERAL_MERCHANDISE_DISCOUNT_STORES',
    'GENERAL_MERCHANDISE_ELECTRONICS',
    'GENERAL_MERCHANDISE_GIFTS_AND_NOVELTIES',
    'GENERAL_MERCHANDISE_OFFICE_SUPPLIES',
    'GENERAL_MERCHANDISE_ONLINE_MARKETPLACES',
    'GENERAL_MERCHANDISE_PET_SUPPLIES',
    'GENERAL_MERCHANDISE_SPORTING_GOODS',
    'GENERAL_MERCHANDISE_SUPERSTORES',
    'GENERAL_MERCHANDISE_TOBACCO_AND_VAPE',
    'GENERAL_MERCHANDISE_OTHER_GENERAL_MERCHANDISE',
  ],
  HOME_IMPROVEMENT: [
    'HOME_IMPROVEMENT_FURNITURE',
    'HOME_IMPROVEMENT_HARDWARE',
    'HOME_IMPROVEMENT_REPAIR_AND_MAINTENANCE',
    'HOME_IMPROVEMENT_SECURITY',
    'HOME_IMPROVEMENT_OTHER_HOME_IMPROVEMENT',
  ],
  MEDICAL: [
    'MEDICAL_DENTAL_CARE',
    'MEDICAL_EYE_CARE',
    'MEDICAL_NURSING_CARE',
    'MEDICAL_PHARMACIES_AND_SUPPLEMENTS',
    'MEDICAL_PRIMARY_CARE',
    'MEDICAL_VETERINARY_SERVICES',
    'MEDICAL_OTHER_MEDICAL',
  ],
  PERSONAL_CARE: [
    'PERSONAL_CARE_GYMS_AND_FITNESS_CENTERS',
    'PERSONAL_CARE_HAIR_AND_BEAUTY',
    'PERSONAL_CARE_LAUNDRY_AND_DRY_CLEANING',
    'PERSONAL_CARE_OTHER_PERSONAL_CARE',
  ],
  GENERAL_SERVICES: [
    'GENERAL_SERVICES_ACCOUNTING_AND_FINANCIAL_PLANNING',
    'GENERAL_SERVICES_AUTOMOTIVE',
    'GENERAL_SERVICES_CHILDCARE',
    'GENERAL_SERVICES_CONSULTING_AND_LEGAL',
    'GENERAL_SERVICES_EDUCATION',
    'GENERAL_SERVICES_INSURANCE',
    'GENERAL_SERVICES_POSTAGE_AND_SHIPPING',
    'GENERAL_SERVICES_STORAGE',
    'GENERAL_SERVICES_OTHER_GENERAL_SERVICES',
  ],
  GOVERNMENT_AND_NON_PROFIT: [
    'GOVERNMENT_AND_NON_PROFIT_DONATIONS',
    'GOVERNMENT_AND_NON_PROFIT_GOVERNMENT_DEPARTMENTS_AND_AGENCIES',
    'GOVERNMENT_AND_NON_PROFIT_TAX_PAYMENT',
    'GOVERNMENT_AND_NON_PROFIT_OTHER_GOVERNMENT_AND_NON_PROFIT',
  ],
  TRANSPORTATION: [
    'TRANSPORTATION_BIKES_AND_SCOOTERS',
    'TRANSPORTATION_GAS',
    'TRANSPORTATION_PARKING',
    'TRANSPORTATION_PUBLIC_TRANSIT',
    'TRANSPORTATION_TAXIS_AND_RIDE_SHARES',
    'TRANSPORTATION_TOLLS',
    'TRANSPORTATION_OTHER_TRANSPORTATION',
  ],
  TRAVEL: ['TRAVEL_FLIGHTS', 'TRAVEL_LODGING', 'TRAVEL_RENTAL_CARS', 'TRAVEL_OTHER_TRAVEL'],
  RENT_AND_UTILITIES: [
    'RENT_AND_UTILITIES_GAS_AND_ELECTRICITY',
    'RENT_AND_UTILITIES_INTERNET_AND_CABLE',
    'RENT_AND_UTILITIES_RENT',
    'RENT_AND_UTILITIES_SEWAGE_AND_WASTE_MANAGEMENT',
    'RENT_AND_UTILITIES_TELEPHONE',
    'RENT_AND_UTILITIES_WATER',
    'RENT_AND_UTILITIES_OTHER_UTILITIES',
  ],
} as const;

type Taxonomy = typeof TAXONOMY;
export type PrimaryCategory = keyof Taxonomy;
export type DetailedCategory = Taxonomy[PrimaryCategory][number];

/** The 16 primary categories, in Plaid's order. */
export const PRIMARY_CATEGORIES = Object.keys(TAXONOMY) as PrimaryCategory[];

/** Every detailed category, grouped by primary in Plaid's order. */
export const DETAILED_CATEGORIES: readonly DetailedCategory[] = PRIMARY_CATEGORIES.flatMap(
  (primary) => TAXONOMY[primary],
);

/** How sure the classification is (Plaid's `confidence_level`). */
export const CONFIDENCE_LEVELS = ['VERY_HIGH', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'] as const;
export type Confidence = (typeof CONFIDENCE_LEVELS)[number];

/** A category (primary) and its detailed sub-category. */
export interface CategoryPair {
  category: PrimaryCategory;
  subCategory: DetailedCategory;
}

const PRIMARY_OF = new Map<string, PrimaryCategory>(
  PRIMARY_CATEGORIES.flatMap((primary) => TAXONOMY[primary].map((detailed) => [detailed, primary] as const)),
);

export function isPrimaryCategory(value: unknown): value is PrimaryCategory {
  return typeof value === 'string' && Object.hasOwn(TAXONOMY, value);
}

export function isDetailedCategory(value: unknown): value is DetailedCategory {
  return typeof value === 'string' && PRIMARY_OF.has(value);
}

/** The detailed categories of `primary`. */
export function subCategoriesOf(primary: PrimaryCategory): readonly DetailedCategory[] {
  return TAXONOMY[primary];
}

/** The primary category a detailed category belongs to. */
export function primaryOf(detailed: DetailedCategory): PrimaryCategory {
  const primary = PRIMARY_OF.get(detailed);
  if (!primary) throw new Error(`Unknown detailed category ${detailed}`);
  return primary;
}

/** Every primary has exactly one "other" detailed category (INCOME_OTHER_INCOME, LOAN_PAYMENTS_OTHER_PAYMENT, …). */
export function otherOf(primary: PrimaryCategory): DetailedCategory {
  const other = TAXONOMY[primary].find((detailed) => detailed.startsWith(`${primary}_OTHER_`));
  if (!other) throw new Error(`${primary} has no OTHER sub-category`);
  return other;
}

/** A detailed category as the pair it names. */
export function pairOf(detailed: DetailedCategory): CategoryPair {
  return { category: primaryOf(detailed), subCategory: detailed };
}

/**
 * What a client may send as a category: a detailed category ("FOOD_AND_DRINK_COFFEE") or a primary one
 * ("FOOD_AND_DRINK", which means its OTHER sub-category). Null for anything else.
 */
export function categoryFromInput(value: string): CategoryPair | null {
  if (isDetailedCategory(value)) return pairOf(value);
  if (isPrimaryCategory(value)) return { category: value, subCategory: otherOf(value) };
  return null;
}

/** Every code a client may send as a category (primaries and detailed ones). */
export const CATEGORY_INPUTS: readonly string[] = [...PRIMARY_CATEGORIES, ...DETAILED_CATEGORIES];

const SMALL_WORDS = new Set(['AND', 'OR', 'OF']);

function words(code: string): string {
  const text = code
    .split('_')
    .map((word, index) =>
      index > 0 && SMALL_WORDS.has(word) ? word.toLowerCase() : word.charAt(0) + word.slice(1).toLowerCase(),
    )
    .join(' ');
  return text.replace(/\bTv\b/, 'TV').replace(/\bAtm\b/, 'ATM');
}

/** "FOOD_AND_DRINK" → "Food and Drink"; "FOOD_AND_DRINK_COFFEE" → "Coffee" (its primary's words left out). */
export function labelOf(code: string): string {
  if (isPrimaryCategory(code)) return words(code);
  if (isDetailedCategory(code)) return words(code.slice(primaryOf(code).length + 1));
  return code;
}
