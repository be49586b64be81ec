/**
 * The text of every JSON number in a request body, as the client wrote it.
 *
 * `JSON.parse` turns `1.0000000000000001` into the double 1, so an amount sent as that JSON number used to be
 * read as "1" and booked as 1.00: the client meant something the wallet cannot represent, and nothing said so.
 * Two ways out: refuse JSON numbers a double cannot hold exactly, or read amounts from their source text. We
 * read the source text (Node 24's `JSON.parse` gives it to a reviver as `context.source`): an amount then obeys
 * exactly the rules of an amount sent as a string (at most the currency's decimals, no exponent, no sign, at
 * most 2^63−1 minor units), one grammar and one set of messages, and an exact JSON number such as
 * 9007199254740993 is read as what it says instead of being refused for being past 2^53.
 *
 * Values are left as JSON.parse makes them (numbers stay numbers, so `limit`, `maxOccurrences` and every other
 * numeric field work as before, and the webhook bodies whose raw bytes are signed are untouched). The reviver
 * only records, per parsed object or array, the source text of its number-valued keys; a money field
 * (`@IsMoneyAmount`) swaps a number for that text before it is validated. One place records, one place reads.
 */
const sources = new WeakMap<object, Map<string, string>>();

interface ReviverContext {
  source?: string;
}

/** A `JSON.parse` reviver (body-parser's `reviver` option). Must be a function: the holder arrives as `this`. */
export function recordJsonNumberSource(
  this: unknown,
  key: string,
  value: unknown,
  context?: ReviverContext,
): unknown {
  if (typeof value === 'number' && typeof context?.source === 'string' && typeof this === 'object' && this) {
    let keys = sources.get(this);
    if (!keys) {
      keys = new Map();
      sources.set(this, keys);
    }
    keys.set(key, context.source);
  }
  return value;
}

/** The source text of the JSON number at `holder[key]`, if the body parser saw one there. */
export function jsonNumberSource(holder: unknown, key: string): string | undefined {
  if (typeof holder !== 'object' || holder === null) return undefined;
  return sources.get(holder)?.get(key);
}

/**
 * A money field's value as validation should see it: a JSON number becomes the exact text the client sent
 * (`1.0000000000000001`, `1e2`, `12.50`); anything else is returned as it is.
 */
export function amountAsSent(value: unknown, holder: unknown, key: string): unknown {
  if (typeof value !== 'number') return value;
  return jsonNumberSource(holder, key) ?? value;
}
