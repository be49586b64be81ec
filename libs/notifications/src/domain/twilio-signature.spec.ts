import { isValidTwilioSignature, twilioSignature } from './twilio-signature';

// Twilio's own documentation example (security/signature_validation in TwilioDevEd/api-snippets).
const TOKEN = '12345';
const URL = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const PARAMS = {
  CallSid: 'CA1234567890ABCDE',
  Caller: '+14158675309',
  Digits: '1234',
  From: '+14158675309',
  To: '+18005551212',
};

describe('X-Twilio-Signature', () => {
  it("matches Twilio's documented example", () => {
    expect(twilioSignature(TOKEN, URL, PARAMS)).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
    expect(isValidTwilioSignature(TOKEN, URL, PARAMS, 'RSOYDt4T1cUTdK1PDd93/VVr8B8=')).toBe(true);
  });

  it('refuses another token, URL, parameter value, or no signature', () => {
    const good = twilioSignature(TOKEN, URL, PARAMS);
    expect(isValidTwilioSignature('54321', URL, PARAMS, good)).toBe(false);
    expect(isValidTwilioSignature(TOKEN, `${URL}&baz=3`, PARAMS, good)).toBe(false);
    expect(isValidTwilioSignature(TOKEN, URL, { ...PARAMS, Digits: '1235' }, good)).toBe(false);
    expect(isValidTwilioSignature(TOKEN, URL, PARAMS, undefined)).toBe(false);
    expect(isValidTwilioSignature(TOKEN, URL, PARAMS, 'short')).toBe(false);
  });
});
