import { descriptorTokens, MERCHANTS, MerchantDirectory } from './merchant-directory';

describe('merchant directory: raw descriptors normalised to merchants', () => {
  it('ships a few hundred merchants with a category, a website and a logo', () => {
    expect(MERCHANTS.size).toBeGreaterThan(300);
    const amazon = MERCHANTS.find('amazon');
    expect(amazon).toMatchObject({
      name: 'Amazon',
      category: 'GENERAL_MERCHANDISE_ONLINE_MARKETPLACES',
      website: 'amazon.com',
    });
    expect(amazon?.logoUrl).toMatch(/^https:\/\/.+amazon\.com/);
  });

  it.each([
    ['AMZN MKTP US*2K4', 'Amazon'],
    ['AMAZON.COM*MK1234 AMZN.COM/BILL WA', 'Amazon'],
    ['Amzn Mktp US', 'Amazon'],
    ['SQ *BLUE BOTTLE COFFEE', 'Blue Bottle Coffee'],
    ['TST* SHAKE SHACK 1234', 'Shake Shack'],
    ['PAYPAL *NETFLIX', 'Netflix'],
    ['NETFLIX.COM 866-579-7172 CA', 'Netflix'],
    ['UBER *EATS', 'Uber Eats'],
    ['UBER *TRIP HELP.UBER.COM', 'Uber'],
    ['STARBUCKS STORE 12345 SEATTLE WA', 'Starbucks'],
    ['POS DEBIT 01/02 WHOLEFDS MKT 10234', 'Whole Foods Market'],
    ["MCDONALD'S F1234", "McDonald's"],
    ['CHICK-FIL-A #01234', 'Chick-fil-A'],
    ['7-ELEVEN 33421', '7-Eleven'],
    ['H&M 123', 'H&M'],
    ['DISNEY+', 'Disney+'],
    ['SP+ PARKING 123', 'SP+ Parking'],
    ['APPLE.COM/BILL', 'Apple'],
    ['GOOGLE *YOUTUBE', 'YouTube Premium'],
    ['CAFFÈ NERO LONDON', 'Caffè Nero'],
  ])('%s → %s', (descriptor, name) => {
    expect(MERCHANTS.match(descriptor)).toMatchObject({ name, confidence: 'HIGH' });
  });

  it('finds a distinctive merchant name later in free text, with less confidence', () => {
    expect(MERCHANTS.match('pizza from dominos tonight')).toMatchObject({
      name: "Domino's",
      confidence: 'MEDIUM',
    });
    // A short pattern is not looked for inside other words' company.
    expect(MERCHANTS.match('my gap year')?.merchant).toBeNull();
  });

  it('names an unknown merchant from its descriptor, without references and region', () => {
    expect(MERCHANTS.match("JOE'S PIZZA #123 BROOKLYN NY")).toEqual({
      merchant: null,
      name: 'Joes Pizza Brooklyn',
      confidence: 'LOW',
    });
    expect(MERCHANTS.match('*** 12345 ***')).toBeNull();
  });

  it('normalises descriptors and patterns the same way', () => {
    expect(descriptorTokens('AMZN MKTP US*2K4')).toEqual(['AMZN', 'MKTP', 'US']);
    expect(descriptorTokens('UBER *EATS')).toEqual(['UBER', 'EATS']);
    expect(descriptorTokens('PAYPAL *SPOTIFY')).toEqual(['SPOTIFY']);
    expect(descriptorTokens('Barnes & Noble #2231')).toEqual(['BARNES', 'AND', 'NOBLE']);
    expect(descriptorTokens('CHECKCARD 0102 SHELL OIL 5744')).toEqual(['SHELL', 'OIL']);
  });

  it('refuses a directory where two merchants claim one pattern or a category is unknown', () => {
    const entry = (id: string, patterns: string[], category = 'TRAVEL_FLIGHTS') => ({
      id,
      name: id,
      category,
      website: `${id}.com`,
      logoUrl: '',
      patterns,
    });
    expect(() => new MerchantDirectory([entry('a', ['ACME AIR']), entry('b', ['Acme Air'])])).toThrow(
      /belongs to a and b/,
    );
    expect(() => new MerchantDirectory([entry('c', [], 'TRAVEL_SPACESHIPS')])).toThrow(/unknown category/);
  });
});
