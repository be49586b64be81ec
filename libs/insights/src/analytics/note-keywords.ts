import type { DetailedCategory } from './taxonomy';

/**
 * Words people write in the note of a payment ("pizza night", "rent March", "salary"), and the category they
 * point to, for money going out and for money coming in. A phrase of several words wins over any of its words
 * ("gas bill" is a utility, "gas" alone is fuel); otherwise the first keyword in the note wins.
 */
const OUTGOING: ReadonlyArray<readonly [string, DetailedCategory]> = [
  // Rent and utilities
  ['rent', 'RENT_AND_UTILITIES_RENT'],
  ['landlord', 'RENT_AND_UTILITIES_RENT'],
  ['deposit for apartment', 'RENT_AND_UTILITIES_RENT'],
  ['electric', 'RENT_AND_UTILITIES_GAS_AND_ELECTRICITY'],
  ['electricity', 'RENT_AND_UTILITIES_GAS_AND_ELECTRICITY'],
  ['power bill', 'RENT_AND_UTILITIES_GAS_AND_ELECTRICITY'],
  ['gas bill', 'RENT_AND_UTILITIES_GAS_AND_ELECTRICITY'],
  ['heating', 'RENT_AND_UTILITIES_GAS_AND_ELECTRICITY'],
  ['internet', 'RENT_AND_UTILITIES_INTERNET_AND_CABLE'],
  ['wifi', 'RENT_AND_UTILITIES_INTERNET_AND_CABLE'],
  ['broadband', 'RENT_AND_UTILITIES_INTERNET_AND_CABLE'],
  ['cable', 'RENT_AND_UTILITIES_INTERNET_AND_CABLE'],
  ['phone bill', 'RENT_AND_UTILITIES_TELEPHONE'],
  ['mobile plan', 'RENT_AND_UTILITIES_TELEPHONE'],
  ['water bill', 'RENT_AND_UTILITIES_WATER'],
  ['trash', 'RENT_AND_UTILITIES_SEWAGE_AND_WASTE_MANAGEMENT'],
  ['utilities', 'RENT_AND_UTILITIES_OTHER_UTILITIES'],
  ['utility', 'RENT_AND_UTILITIES_OTHER_UTILITIES'],
  // Food and drink
  ['coffee', 'FOOD_AND_DRINK_COFFEE'],
  ['latte', 'FOOD_AND_DRINK_COFFEE'],
  ['cappuccino', 'FOOD_AND_DRINK_COFFEE'],
  ['espresso', 'FOOD_AND_DRINK_COFFEE'],
  ['cafe', 'FOOD_AND_DRINK_COFFEE'],
  ['groceries', 'FOOD_AND_DRINK_GROCERIES'],
  ['grocery', 'FOOD_AND_DRINK_GROCERIES'],
  ['supermarket', 'FOOD_AND_DRINK_GROCERIES'],
  ['beer', 'FOOD_AND_DRINK_BEER_WINE_AND_LIQUOR'],
  ['beers', 'FOOD_AND_DRINK_BEER_WINE_AND_LIQUOR'],
  ['wine', 'FOOD_AND_DRINK_BEER_WINE_AND_LIQUOR'],
  ['drinks', 'FOOD_AND_DRINK_RESTAURANT'],
  ['bar', 'FOOD_AND_DRINK_RESTAURANT'],
  ['dinner', 'FOOD_AND_DRINK_RESTAURANT'],
  ['lunch', 'FOOD_AND_DRINK_RESTAURANT'],
  ['brunch', 'FOOD_AND_DRINK_RESTAURANT'],
  ['breakfast', 'FOOD_AND_DRINK_RESTAURANT'],
  ['restaurant', 'FOOD_AND_DRINK_RESTAURANT'],
  ['sushi', 'FOOD_AND_DRINK_RESTAURANT'],
  ['pizza', 'FOOD_AND_DRINK_RESTAURANT'],
  ['tacos', 'FOOD_AND_DRINK_RESTAURANT'],
  ['ramen', 'FOOD_AND_DRINK_RESTAURANT'],
  ['takeout', 'FOOD_AND_DRINK_RESTAURANT'],
  ['burger', 'FOOD_AND_DRINK_FAST_FOOD'],
  ['burgers', 'FOOD_AND_DRINK_FAST_FOOD'],
  ['snacks', 'FOOD_AND_DRINK_OTHER_FOOD_AND_DRINK'],
  ['ice cream', 'FOOD_AND_DRINK_OTHER_FOOD_AND_DRINK'],
  // Transportation and travel
  ['uber', 'TRANSPORTATION_TAXIS_AND_RIDE_SHARES'],
  ['lyft', 'TRANSPORTATION_TAXIS_AND_RIDE_SHARES'],
  ['taxi', 'TRANSPORTATION_TAXIS_AND_RIDE_SHARES'],
  ['cab', 'TRANSPORTATION_TAXIS_AND_RIDE_SHARES'],
  ['gas', 'TRANSPORTATION_GAS'],
  ['fuel', 'TRANSPORTATION_GAS'],
  ['traffic fine', 'GOVERNMENT_AND_NON_PROFIT_GOVERNMENT_DEPARTMENTS_AND_AGENCIES'],
  ['parking ticket', 'GOVERNMENT_AND_NON_PROFIT_GOVERNMENT_DEPARTMENTS_AND_AGENCIES'],
  ['petrol', 'TRANSPORTATION_GAS'],
  ['parking', 'TRANSPORTATION_PARKING'],
  ['toll', 'TRANSPORTATION_TOLLS'],
  ['tolls', 'TRANSPORTATION_TOLLS'],
  ['train', 'TRANSPORTATION_PUBLIC_TRANSIT'],
  ['bus', 'TRANSPORTATION_PUBLIC_TRANSIT'],
  ['metro', 'TRANSPORTATION_PUBLIC_TRANSIT'],
  ['subway', 'TRANSPORTATION_PUBLIC_TRANSIT'],
  ['bike', 'TRANSPORTATION_BIKES_AND_SCOOTERS'],
  ['scooter', 'TRANSPORTATION_BIKES_AND_SCOOTERS'],
  ['flight', 'TRAVEL_FLIGHTS'],
  ['flights', 'TRAVEL_FLIGHTS'],
  ['plane tickets', 'TRAVEL_FLIGHTS'],
  ['airfare', 'TRAVEL_FLIGHTS'],
  ['hotel', 'TRAVEL_LODGING'],
  ['airbnb', 'TRAVEL_LODGING'],
  ['hostel', 'TRAVEL_LODGING'],
  ['car rental', 'TRAVEL_RENTAL_CARS'],
  ['trip', 'TRAVEL_OTHER_TRAVEL'],
  ['vacation', 'TRAVEL_OTHER_TRAVEL'],
  ['holiday', 'TRAVEL_OTHER_TRAVEL'],
  // Entertainment
  ['movie', 'ENTERTAINMENT_TV_AND_MOVIES'],
  ['movies', 'ENTERTAINMENT_TV_AND_MOVIES'],
  ['cinema', 'ENTERTAINMENT_TV_AND_MOVIES'],
  ['netflix', 'ENTERTAINMENT_TV_AND_MOVIES'],
  ['concert', 'ENTERTAINMENT_SPORTING_EVENTS_AMUSEMENT_PARKS_AND_MUSEUMS'],
  ['tickets', 'ENTERTAINMENT_SPORTING_EVENTS_AMUSEMENT_PARKS_AND_MUSEUMS'],
  ['museum', 'ENTERTAINMENT_SPORTING_EVENTS_AMUSEMENT_PARKS_AND_MUSEUMS'],
  ['game tickets', 'ENTERTAINMENT_SPORTING_EVENTS_AMUSEMENT_PARKS_AND_MUSEUMS'],
  ['spotify', 'ENTERTAINMENT_MUSIC_AND_AUDIO'],
  ['music', 'ENTERTAINMENT_MUSIC_AND_AUDIO'],
  ['video game', 'ENTERTAINMENT_VIDEO_GAMES'],
  ['games', 'ENTERTAINMENT_VIDEO_GAMES'],
  ['poker', 'ENTERTAINMENT_CASINOS_AND_GAMBLING'],
  ['betting', 'ENTERTAINMENT_CASINOS_AND_GAMBLING'],
  ['casino', 'ENTERTAINMENT_CASINOS_AND_GAMBLING'],
  ['party', 'ENTERTAINMENT_OTHER_ENTERTAINMENT'],
  // Shopping
  ['gift', 'GENERAL_MERCHANDISE_GIFTS_AND_NOVELTIES'],
  ['birthday', 'GENERAL_MERCHANDISE_GIFTS_AND_NOVELTIES'],
  ['wedding', 'GENERAL_MERCHANDISE_GIFTS_AND_NOVELTIES'],
  ['flowers', 'GENERAL_MERCHANDISE_GIFTS_AND_NOVELTIES'],
  ['clothes', 'GENERAL_MERCHANDISE_CLOTHING_AND_ACCESSORIES'],
  ['shoes', 'GENERAL_MERCHANDISE_CLOTHING_AND_ACCESSORIES'],
  ['books', 'GENERAL_MERCHANDISE_BOOKSTORES_AND_NEWSSTANDS'],
  ['book', 'GENERAL_MERCHANDISE_BOOKSTORES_AND_NEWSSTANDS'],
  ['laptop', 'GENERAL_MERCHANDISE_ELECTRONICS'],
  ['phone', 'GENERAL_MERCHANDISE_ELECTRONICS'],
  ['headphones', 'GENERAL_MERCHANDISE_ELECTRONICS'],
  ['dog food', 'GENERAL_MERCHANDISE_PET_SUPPLIES'],
  ['cat food', 'GENERAL_MERCHANDISE_PET_SUPPLIES'],
  ['cigarettes', 'GENERAL_MERCHANDISE_TOBACCO_AND_VAPE'],
  ['vape', 'GENERAL_MERCHANDISE_TOBACCO_AND_VAPE'],
  // Home
  ['furniture', 'HOME_IMPROVEMENT_FURNITURE'],
  ['couch', 'HOME_IMPROVEMENT_FURNITURE'],
  ['repair', 'HOME_IMPROVEMENT_REPAIR_AND_MAINTENANCE'],
  ['plumber', 'HOME_IMPROVEMENT_REPAIR_AND_MAINTENANCE'],
  ['cleaning', 'HOME_IMPROVEMENT_OTHER_HOME_IMPROVEMENT'],
  ['cleaner', 'HOME_IMPROVEMENT_OTHER_HOME_IMPROVEMENT'],
  // Medical and personal care
  ['doctor', 'MEDICAL_PRIMARY_CARE'],
  ['dentist', 'MEDICAL_DENTAL_CARE'],
  ['pharmacy', 'MEDICAL_PHARMACIES_AND_SUPPLEMENTS'],
  ['medicine', 'MEDICAL_PHARMACIES_AND_SUPPLEMENTS'],
  ['glasses', 'MEDICAL_EYE_CARE'],
  ['vet', 'MEDICAL_VETERINARY_SERVICES'],
  ['therapy', 'MEDICAL_OTHER_MEDICAL'],
  ['gym', 'PERSONAL_CARE_GYMS_AND_FITNESS_CENTERS'],
  ['yoga', 'PERSONAL_CARE_GYMS_AND_FITNESS_CENTERS'],
  ['haircut', 'PERSONAL_CARE_HAIR_AND_BEAUTY'],
  ['hair', 'PERSONAL_CARE_HAIR_AND_BEAUTY'],
  ['nails', 'PERSONAL_CARE_HAIR_AND_BEAUTY'],
  ['laundry', 'PERSONAL_CARE_LAUNDRY_AND_DRY_CLEANING'],
  // Services
  ['tuition', 'GENERAL_SERVICES_EDUCATION'],
  ['school', 'GENERAL_SERVICES_EDUCATION'],
  ['course', 'GENERAL_SERVICES_EDUCATION'],
  ['lessons', 'GENERAL_SERVICES_EDUCATION'],
  ['babysitter', 'GENERAL_SERVICES_CHILDCARE'],
  ['babysitting', 'GENERAL_SERVICES_CHILDCARE'],
  ['nanny', 'GENERAL_SERVICES_CHILDCARE'],
  ['daycare', 'GENERAL_SERVICES_CHILDCARE'],
  ['insurance', 'GENERAL_SERVICES_INSURANCE'],
  ['lawyer', 'GENERAL_SERVICES_CONSULTING_AND_LEGAL'],
  ['accountant', 'GENERAL_SERVICES_ACCOUNTING_AND_FINANCIAL_PLANNING'],
  ['shipping', 'GENERAL_SERVICES_POSTAGE_AND_SHIPPING'],
  ['postage', 'GENERAL_SERVICES_POSTAGE_AND_SHIPPING'],
  ['storage', 'GENERAL_SERVICES_STORAGE'],
  ['car wash', 'GENERAL_SERVICES_AUTOMOTIVE'],
  ['mechanic', 'GENERAL_SERVICES_AUTOMOTIVE'],
  ['subscription', 'GENERAL_SERVICES_OTHER_GENERAL_SERVICES'],
  // Government and non-profit
  ['donation', 'GOVERNMENT_AND_NON_PROFIT_DONATIONS'],
  ['charity', 'GOVERNMENT_AND_NON_PROFIT_DONATIONS'],
  ['tax', 'GOVERNMENT_AND_NON_PROFIT_TAX_PAYMENT'],
  ['taxes', 'GOVERNMENT_AND_NON_PROFIT_TAX_PAYMENT'],
  // Loans
  ['mortgage', 'LOAN_PAYMENTS_MORTGAGE_PAYMENT'],
  ['car payment', 'LOAN_PAYMENTS_CAR_PAYMENT'],
  ['student loan', 'LOAN_PAYMENTS_STUDENT_LOAN_PAYMENT'],
  ['credit card', 'LOAN_PAYMENTS_CREDIT_CARD_PAYMENT'],
  ['loan', 'LOAN_PAYMENTS_PERSONAL_LOAN_PAYMENT'],
  ['repayment', 'LOAN_PAYMENTS_PERSONAL_LOAN_PAYMENT'],
  ['pay back', 'LOAN_PAYMENTS_PERSONAL_LOAN_PAYMENT'],
  ['payback', 'LOAN_PAYMENTS_PERSONAL_LOAN_PAYMENT'],
  ['iou', 'LOAN_PAYMENTS_PERSONAL_LOAN_PAYMENT'],
  // Transfers
  ['savings', 'TRANSFER_OUT_SAVINGS'],
  ['invest', 'TRANSFER_OUT_INVESTMENT_AND_RETIREMENT_FUNDS'],
  ['investment', 'TRANSFER_OUT_INVESTMENT_AND_RETIREMENT_FUNDS'],
  ['stocks', 'TRANSFER_OUT_INVESTMENT_AND_RETIREMENT_FUNDS'],
];

const INCOMING: ReadonlyArray<readonly [string, DetailedCategory]> = [
  ['salary', 'INCOME_WAGES'],
  ['payroll', 'INCOME_WAGES'],
  ['paycheck', 'INCOME_WAGES'],
  ['wages', 'INCOME_WAGES'],
  ['wage', 'INCOME_WAGES'],
  ['invoice', 'INCOME_WAGES'],
  ['freelance', 'INCOME_WAGES'],
  ['tips', 'INCOME_WAGES'],
  ['bonus', 'INCOME_WAGES'],
  ['dividend', 'INCOME_DIVIDENDS'],
  ['dividends', 'INCOME_DIVIDENDS'],
  ['interest', 'INCOME_INTEREST_EARNED'],
  ['pension', 'INCOME_RETIREMENT_PENSION'],
  ['tax refund', 'INCOME_TAX_REFUND'],
  ['unemployment', 'INCOME_UNEMPLOYMENT'],
  ['rent', 'INCOME_OTHER_INCOME'],
  ['allowance', 'INCOME_OTHER_INCOME'],
  ['alimony', 'INCOME_OTHER_INCOME'],
  ['child support', 'INCOME_OTHER_INCOME'],
  ['loan', 'TRANSFER_IN_CASH_ADVANCES_AND_LOANS'],
  ['savings', 'TRANSFER_IN_SAVINGS'],
];

export type NoteDirection = 'in' | 'out';

interface Keyword {
  words: string[];
  category: DetailedCategory;
}

function compile(table: ReadonlyArray<readonly [string, DetailedCategory]>): Keyword[] {
  return table
    .map(([phrase, category]) => ({ words: phrase.split(' '), category }))
    .sort((a, b) => b.words.length - a.words.length);
}

const KEYWORDS: Record<NoteDirection, Keyword[]> = { out: compile(OUTGOING), in: compile(INCOMING) };

/** A note as lower-case words ("Pizza night 🍕 w/ Bob!" → pizza, night, w, bob). */
export function noteWords(note: string): string[] {
  return note
    .slice(0, 500)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’]/g, '')
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/**
 * The category a payment's note points to, or null. Longer phrases first; among phrases of the same length, the
 * one that appears first in the note.
 */
export function categoryOfNote(note: string | null, direction: NoteDirection): DetailedCategory | null {
  if (!note) return null;
  const words = noteWords(note);
  if (words.length === 0) return null;
  let best: { category: DetailedCategory; length: number; at: number } | null = null;
  for (const keyword of KEYWORDS[direction]) {
    if (best && keyword.words.length < best.length) break;
    for (let at = 0; at + keyword.words.length <= words.length; at += 1) {
      if (!keyword.words.every((word, offset) => words[at + offset] === word)) continue;
      if (!best || at < best.at) best = { category: keyword.category, length: keyword.words.length, at };
      break;
    }
  }
  return best?.category ?? null;
}
