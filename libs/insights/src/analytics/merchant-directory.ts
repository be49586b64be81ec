import type { Confidence, DetailedCategory } from './taxonomy';
import { isDetailedCategory } from './taxonomy';
import directoryFile from './merchant-directory.json';

/** A merchant of the directory (merchant-directory.json, shipped with the project). */
export interface Merchant {
  id: string;
  name: string;
  category: DetailedCategory;
  website: string;
  logoUrl: string;
}

/** What a raw descriptor ("AMZN MKTP US*2K4") says about the merchant behind it. */
export interface MerchantMatch {
  /** The directory's merchant, or null when the descriptor names a merchant the directory does not know. */
  merchant: Merchant | null;
  /** The merchant's name: the directory's, or the descriptor cleaned up ("Joes Pizza"). */
  name: string;
  /** HIGH: the descriptor starts with one of the merchant's patterns; MEDIUM: a pattern later in it; LOW: unknown. */
  confidence: Confidence;
}

interface DirectoryEntry {
  id: string;
  name: string;
  category: string;
  website: string;
  logoUrl: string;
  patterns: string[];
}

interface Pattern {
  tokens: string[];
  merchant: Merchant;
}

/**
 * Payment processors and aggregators put themselves before the merchant: "SQ *BLUE BOTTLE", "TST* JOES",
 * "PAYPAL *NETFLIX". Their prefix (up to the star) is dropped.
 */
const PROCESSOR_PREFIX =
  /^(?:SQ|SQU|TST|PAYPAL|PP|PY|SP|SPO|GGL|CKO|PMT|BT|WPY|ZTL|PAR|EB|FS|PADDLE|STRIPE)\s?\*\s?/;

/** Words a bank puts before the merchant ("POS DEBIT 01/02 STARBUCKS"), dropped from the start. */
const LEADING_NOISE = new Set([
  'POS',
  'DEBIT',
  'CREDIT',
  'PURCHASE',
  'CHECKCARD',
  'RECURRING',
  'ACH',
  'CARD',
  'WEB',
  'ONLINE',
  'AUTHORIZED',
  'AUTH',
  'ON',
  'PAYMENT',
  'TO',
  'VISA',
  'MC',
]);

/** US state and Canadian province codes a descriptor ends with ("SEATTLE WA"). */
const REGION_CODES = new Set(
  (
    'AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK ' +
    'OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC ON QC BC AB MB SK NS NB NL PE'
  ).split(' '),
);

const MAX_DESCRIPTOR = 200;

/**
 * A descriptor as comparable tokens: upper case, no accents or apostrophes, a processor's prefix and a bank's
 * leading words dropped, a reference after a star ("US*2K4") dropped, "&" read as AND and "+" as PLUS, other
 * punctuation as spaces, and long numbers (store numbers, phone numbers) dropped. Patterns go through the same.
 */
export function descriptorTokens(raw: string): string[] {
  let text = raw
    .slice(0, MAX_DESCRIPTOR)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/['’`]/g, '')
    .trim();
  for (let previous = ''; previous !== text;) {
    previous = text;
    text = text.replace(PROCESSOR_PREFIX, '').trim();
  }
  // A star separates the merchant from a reference ("AMZN MKTP US*2K4") or from a product ("UBER *EATS").
  const parts = text.split('*');
  const kept = [parts[0]];
  for (const part of parts.slice(1)) {
    const first = part.trim().split(/\s+/)[0] ?? '';
    if (first === '' || /[0-9]/.test(first)) break;
    kept.push(part);
  }
  text = kept
    .join(' ')
    .replace(/&/g, ' AND ')
    .replace(/\+/g, ' PLUS ')
    .replace(/[^A-Z0-9]+/g, ' ');
  const tokens = text.split(' ').filter((token) => token !== '' && !/^[0-9]{3,}$/.test(token));
  while (tokens.length > 1 && (LEADING_NOISE.has(tokens[0]) || /^[0-9]+$/.test(tokens[0]))) tokens.shift();
  return tokens;
}

function titleCase(tokens: string[]): string {
  return tokens.map((token) => token.charAt(0) + token.slice(1).toLowerCase()).join(' ');
}

/** A merchant name made from a descriptor the directory does not know: no references, no region code. */
function cleanName(tokens: string[]): string {
  const words = tokens.filter((token) => !/[0-9]/.test(token) || token.length <= 2);
  if (words.length > 1 && REGION_CODES.has(words[words.length - 1])) words.pop();
  return titleCase(words.slice(0, 4));
}

/**
 * The merchant directory: raw descriptors normalised to known merchants (name, category, logo). A descriptor
 * matches a merchant when it starts with one of the merchant's patterns (the longest pattern wins: "UBER EATS"
 * before "UBER"); failing that, when a distinctive pattern (two words or more, or one word of five letters or
 * more) appears later in it.
 */
export class MerchantDirectory {
  private readonly byFirstToken = new Map<string, Pattern[]>();
  private readonly distinctive: Pattern[] = [];
  private readonly byKey = new Map<string, Merchant>();

  constructor(entries: readonly DirectoryEntry[]) {
    const seen = new Map<string, string>();
    for (const entry of entries) {
      if (!isDetailedCategory(entry.category)) {
        throw new Error(`merchant ${entry.id}: unknown category ${entry.category}`);
      }
      const merchant: Merchant = {
        id: entry.id,
        name: entry.name,
        category: entry.category,
        website: entry.website,
        logoUrl: entry.logoUrl,
      };
      for (const key of [entry.id.toLowerCase(), entry.name.toLowerCase()]) {
        if (this.byKey.has(key) && this.byKey.get(key) !== merchant) {
          throw new Error(`merchant ${entry.id}: "${key}" names two merchants`);
        }
        this.byKey.set(key, merchant);
      }
      for (const raw of [entry.name, ...entry.patterns]) {
        const tokens = descriptorTokens(raw);
        if (tokens.length === 0) continue;
        const key = tokens.join(' ');
        const owner = seen.get(key);
        if (owner === entry.id) continue;
        if (owner !== undefined) throw new Error(`pattern "${key}" belongs to ${owner} and ${entry.id}`);
        seen.set(key, entry.id);
        const pattern = { tokens, merchant };
        const list = this.byFirstToken.get(tokens[0]) ?? [];
        list.push(pattern);
        this.byFirstToken.set(tokens[0], list);
        if (tokens.length > 1 || tokens[0].length >= 5) this.distinctive.push(pattern);
      }
    }
    for (const list of this.byFirstToken.values()) list.sort((a, b) => b.tokens.length - a.tokens.length);
    this.distinctive.sort((a, b) => b.tokens.length - a.tokens.length);
  }

  /** The directory shipped with the project. */
  static shipped(): MerchantDirectory {
    return new MerchantDirectory((directoryFile as { merchants: DirectoryEntry[] }).merchants);
  }

  get size(): number {
    return new Set(this.byKey.values()).size;
  }

  /** The merchant a raw descriptor names, or null when it has no letters at all. */
  match(descriptor: string): MerchantMatch | null {
    const tokens = descriptorTokens(descriptor);
    if (!tokens.some((token) => /[A-Z]/.test(token))) return null;
    const start = this.matchAt(tokens, 0, this.byFirstToken.get(tokens[0]) ?? []);
    if (start) return { merchant: start, name: start.name, confidence: 'HIGH' };
    for (let index = 1; index < tokens.length; index += 1) {
      const later = this.matchAt(tokens, index, this.distinctive);
      if (later) return { merchant: later, name: later.name, confidence: 'MEDIUM' };
    }
    return { merchant: null, name: cleanName(tokens), confidence: 'LOW' };
  }

  /** A merchant by its id or name ("amazon", "Amazon"), case-insensitive. */
  find(nameOrId: string): Merchant | null {
    return this.byKey.get(nameOrId.trim().toLowerCase()) ?? null;
  }

  private matchAt(tokens: string[], index: number, patterns: Pattern[]): Merchant | null {
    for (const pattern of patterns) {
      if (pattern.tokens.length > tokens.length - index) continue;
      if (pattern.tokens.every((token, offset) => tokens[index + offset] === token)) return pattern.merchant;
    }
    return null;
  }
}

/** The shipped directory, loaded once. */
export const MERCHANTS = MerchantDirectory.shipped();
