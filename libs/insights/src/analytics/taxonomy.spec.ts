import {
  categoryFromInput,
  DETAILED_CATEGORIES,
  isDetailedCategory,
  labelOf,
  otherOf,
  PRIMARY_CATEGORIES,
  primaryOf,
  subCategoriesOf,
} from './taxonomy';

describe('taxonomy: Plaid personal finance categories, two levels', () => {
  it('has the 16 primary categories, each with its detailed ones named PRIMARY_SUFFIX', () => {
    expect(PRIMARY_CATEGORIES).toEqual([
      'INCOME',
      'TRANSFER_IN',
      'TRANSFER_OUT',
      'LOAN_PAYMENTS',
      'BANK_FEES',
      'ENTERTAINMENT',
      'FOOD_AND_DRINK',
      'GENERAL_MERCHANDISE',
      'HOME_IMPROVEMENT',
      'MEDICAL',
      'PERSONAL_CARE',
      'GENERAL_SERVICES',
      'GOVERNMENT_AND_NON_PROFIT',
      'TRANSPORTATION',
      'TRAVEL',
      'RENT_AND_UTILITIES',
    ]);
    expect(DETAILED_CATEGORIES).toHaveLength(104);
    expect(new Set(DETAILED_CATEGORIES).size).toBe(104);
    for (const primary of PRIMARY_CATEGORIES) {
      for (const detailed of subCategoriesOf(primary)) {
        expect(detailed.startsWith(`${primary}_`)).toBe(true);
        expect(primaryOf(detailed)).toBe(primary);
      }
      // Every primary has one OTHER sub-category: what a primary alone stands for.
      expect(otherOf(primary)).toMatch(new RegExp(`^${primary}_OTHER_`));
    }
  });

  it('reads a category from input: detailed as is, a primary as its OTHER, anything else refused', () => {
    expect(categoryFromInput('FOOD_AND_DRINK_COFFEE')).toEqual({
      category: 'FOOD_AND_DRINK',
      subCategory: 'FOOD_AND_DRINK_COFFEE',
    });
    expect(categoryFromInput('LOAN_PAYMENTS')).toEqual({
      category: 'LOAN_PAYMENTS',
      subCategory: 'LOAN_PAYMENTS_OTHER_PAYMENT',
    });
    expect(categoryFromInput('food_and_drink')).toBeNull();
    expect(categoryFromInput('FOOD')).toBeNull();
    expect(isDetailedCategory('TRANSFER_OUT')).toBe(false);
  });

  it('labels categories in words', () => {
    expect(labelOf('FOOD_AND_DRINK')).toBe('Food and Drink');
    expect(labelOf('FOOD_AND_DRINK_COFFEE')).toBe('Coffee');
    expect(labelOf('ENTERTAINMENT_TV_AND_MOVIES')).toBe('TV and Movies');
    expect(labelOf('BANK_FEES_ATM_FEES')).toBe('ATM Fees');
    expect(labelOf('GOVERNMENT_AND_NON_PROFIT')).toBe('Government and Non Profit');
  });
});
