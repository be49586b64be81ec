import type { Locale } from '../domain/notification-kinds';

export interface EmailContent {
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
}

const FOOTER: Record<Locale, { why: string; unsubscribe: string; settings: string }> = {
  en: {
    why: 'You receive this because of your Monay notification settings.',
    unsubscribe: 'Unsubscribe from marketing email',
    settings: 'Change which notifications you receive in the Monay app under Settings → Notifications.',
  },
  es: {
    why: 'Recibes esto por tu configuración de notificaciones de Monay.',
    unsubscribe: 'Darse de baja del correo de marketing',
    settings: 'Cambia qué notificaciones recibes en la app de Monay, en Ajustes → Notificaciones.',
  },
};

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * One email, HTML and text parts, from a notification's title and body. Marketing mail carries List-Unsubscribe
 * (a link and a mailto, RFC 2369) and List-Unsubscribe-Post for one-click unsubscribe (RFC 8058).
 */
export function emailFor(input: {
  title: string;
  body: string;
  locale: Locale;
  unsubscribeUrl?: string;
  unsubscribeMailto?: string;
}): EmailContent {
  const footer = FOOTER[input.locale];
  const headers: Record<string, string> = {};
  const lines = [input.body, '', '—', footer.why];
  let unsubscribeHtml = '';
  if (input.unsubscribeUrl) {
    const targets = [`<${input.unsubscribeUrl}>`];
    if (input.unsubscribeMailto) targets.push(`<mailto:${input.unsubscribeMailto}>`);
    headers['List-Unsubscribe'] = targets.join(', ');
    headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
    lines.push(`${footer.unsubscribe}: ${input.unsubscribeUrl}`);
    unsubscribeHtml = `<p><a href="${escapeHtml(input.unsubscribeUrl)}">${escapeHtml(footer.unsubscribe)}</a></p>`;
  } else {
    lines.push(footer.settings);
  }
  const html =
    `<!doctype html><html lang="${input.locale}"><head><meta charset="utf-8"><title>${escapeHtml(input.title)}</title></head>` +
    `<body style="font-family:system-ui,sans-serif;color:#111;max-width:560px;margin:auto">` +
    `<h1 style="font-size:20px">${escapeHtml(input.title)}</h1>` +
    `<p>${escapeHtml(input.body)}</p>` +
    `<hr><p style="color:#666;font-size:12px">${escapeHtml(footer.why)}</p>` +
    (unsubscribeHtml || `<p style="color:#666;font-size:12px">${escapeHtml(footer.settings)}</p>`) +
    `</body></html>`;
  return { subject: input.title, text: lines.join('\n'), html, headers };
}
