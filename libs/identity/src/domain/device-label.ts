/**
 * A person-readable name for the device behind a User-Agent, for the sessions list and new-device alerts:
 * "Chrome on macOS", "Safari on iPhone", "Monay app on Android", "curl". It names a kind of device, never a
 * particular one: two Macs running Chrome share a label, so "new device" means a kind of device the user has
 * not signed in from before.
 */
export function deviceLabel(userAgent: string | null | undefined): string {
  const ua = (userAgent ?? '').trim();
  if (ua === '') return 'Unknown device';
  const os = operatingSystem(ua);
  const client = clientOf(ua);
  if (client && os) return `${client} on ${os}`;
  return client ?? (os ? `Browser on ${os}` : 'Unknown device');
}

function operatingSystem(ua: string): string | undefined {
  if (/iPhone/i.test(ua)) return 'iPhone';
  if (/iPad/i.test(ua)) return 'iPad';
  if (/Android/i.test(ua)) return 'Android';
  if (/CrOS/.test(ua)) return 'ChromeOS';
  if (/Windows/i.test(ua)) return 'Windows';
  if (/Mac OS X|Macintosh/i.test(ua)) return 'macOS';
  if (/Linux/i.test(ua)) return 'Linux';
  return undefined;
}

function clientOf(ua: string): string | undefined {
  // Order matters: Edge and Opera say "Chrome", Chrome says "Safari".
  const known: Array<[RegExp, string]> = [
    [/MonayWallet|Monay\//i, 'Monay app'],
    [/Edg(?:e|A|iOS)?\//, 'Edge'],
    [/OPR\/|Opera/, 'Opera'],
    [/SamsungBrowser\//, 'Samsung Internet'],
    [/Firefox\/|FxiOS\//, 'Firefox'],
    [/Chrome\/|CriOS\//, 'Chrome'],
    [/Safari\//, 'Safari'],
    [/^curl\//i, 'curl'],
    [/^Wget\//i, 'Wget'],
    [/PostmanRuntime\//i, 'Postman'],
    [/okhttp\//i, 'Android app'],
    [/CFNetwork\//i, 'iOS app'],
    [/^node|node-fetch|undici|axios|^got/i, 'Script'],
  ];
  for (const [pattern, name] of known) if (pattern.test(ua)) return name;
  return undefined;
}
