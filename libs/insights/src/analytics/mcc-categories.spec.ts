import { BILLER_TYPE_CATEGORIES, categoryOfMcc, KNOWN_MCCS } from './mcc-categories';
import { isDetailedCategory } from './taxonomy';

describe('merchant category codes → categories (card spend)', () => {
  it.each([
    ['5411', 'FOOD_AND_DRINK_GROCERIES'],
    ['5812', 'FOOD_AND_DRINK_RESTAURANT'],
    ['5814', 'FOOD_AND_DRINK_FAST_FOOD'],
    ['5541', 'TRANSPORTATION_GAS'],
    ['4121', 'TRANSPORTATION_TAXIS_AND_RIDE_SHARES'],
    ['4511', 'TRAVEL_FLIGHTS'],
    ['7011', 'TRAVEL_LODGING'],
    ['4814', 'RENT_AND_UTILITIES_TELEPHONE'],
    ['5912', 'MEDICAL_PHARMACIES_AND_SUPPLEMENTS'],
    ['8021', 'MEDICAL_DENTAL_CARE'],
    ['7230', 'PERSONAL_CARE_HAIR_AND_BEAUTY'],
    ['7997', 'PERSONAL_CARE_GYMS_AND_FITNESS_CENTERS'],
    ['7832', 'ENTERTAINMENT_TV_AND_MOVIES'],
    ['7995', 'ENTERTAINMENT_CASINOS_AND_GAMBLING'],
    ['8398', 'GOVERNMENT_AND_NON_PROFIT_DONATIONS'],
    ['9311', 'GOVERNMENT_AND_NON_PROFIT_TAX_PAYMENT'],
    ['6011', 'TRANSFER_OUT_WITHDRAWAL'],
    ['5732', 'GENERAL_MERCHANDISE_ELECTRONICS'],
    ['0742', 'MEDICAL_VETERINARY_SERVICES'],
  ])('%s is %s', (mcc, category) => {
    expect(categoryOfMcc(mcc)).toBe(category);
  });

  it('covers the ranges networks reserve for airlines, car rental companies and hotels', () => {
    expect(categoryOfMcc('3000')).toBe('TRAVEL_FLIGHTS'); // United
    expect(categoryOfMcc('3350')).toBe('TRAVEL_FLIGHTS');
    expect(categoryOfMcc('3357')).toBe('TRAVEL_RENTAL_CARS'); // Hertz
    expect(categoryOfMcc('3501')).toBe('TRAVEL_LODGING'); // Holiday Inns
    expect(categoryOfMcc('3999')).toBe('TRAVEL_LODGING');
  });

  it('knows nothing of unknown or malformed codes', () => {
    for (const mcc of ['0000', '4000', '9999', '581', '58120', 'abcd', '', ' 5812']) {
      expect([mcc, categoryOfMcc(mcc)]).toEqual([mcc, null]);
    }
  });

  it('maps every code and biller type to a real detailed category', () => {
    expect(KNOWN_MCCS.length).toBeGreaterThan(250);
    for (const mcc of KNOWN_MCCS) expect([mcc, isDetailedCategory(categoryOfMcc(mcc))]).toEqual([mcc, true]);
    for (const [type, category] of Object.entries(BILLER_TYPE_CATEGORIES)) {
      expect([type, isDetailedCategory(category)]).toEqual([type, true]);
    }
  });
});
