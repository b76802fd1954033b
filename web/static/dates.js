// dates.js: calendar dates (YYYY-MM-DD strings) and wall-clock times in a
// given IANA time zone. Calendar dates are handled as UTC midnights so that
// no local time-zone shift can move them. Which dates are working days is
// the server's to say (GET /api/attendance/days/, `working_day`).

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function pad(n) {
  return String(n).padStart(2, '0');
}

/** Reports whether s is a valid YYYY-MM-DD date. */
export function isDate(s) {
  if (typeof s !== 'string') return false;
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const t = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return t.getUTCFullYear() === +m[1] && t.getUTCMonth() === +m[2] - 1 && t.getUTCDate() === +m[3];
}

function utcMs(s) {
  const m = DATE_RE.exec(s);
  return Date.UTC(+m[1], +m[2] - 1, +m[3]);
}

function fromUtcMs(ms) {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** The browser's local date today, for form defaults. */
export function localToday() {
  const d = new Date();
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** The first day of the month of date s. */
export function firstOfMonth(s) {
  return `${s.slice(0, 8)}01`;
}

/** Date s moved by n days. */
export function addDays(s, n) {
  return fromUtcMs(utcMs(s) + n * 86_400_000);
}

/** The weekday name ("mon"…) of date s. */
export function weekdayOf(s) {
  return WEEKDAYS[new Date(utcMs(s)).getUTCDay()];
}

/** The number of days from a to b (b - a). */
export function daysBetween(a, b) {
  return Math.round((utcMs(b) - utcMs(a)) / 86_400_000);
}

const formatters = new Map();

function zoneFormatter(tz) {
  const key = tz || '';
  if (!formatters.has(key)) {
    const opts = {
      year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
    };
    let f;
    try {
      f = new Intl.DateTimeFormat('en-US', tz ? { ...opts, timeZone: tz } : opts);
    } catch {
      f = new Intl.DateTimeFormat('en-US', opts); // unknown zone: the browser's own
    }
    formatters.set(key, f);
  }
  return formatters.get(key);
}

/** The calendar date and minutes since midnight of instant t in time zone tz. */
export function zonedParts(t, tz) {
  const parts = {};
  for (const p of zoneFormatter(tz).formatToParts(t)) parts[p.type] = p.value;
  const hour = Number(parts.hour) % 24;
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    minutes: hour * 60 + Number(parts.minute),
  };
}

/** Today's date in time zone tz. */
export function todayIn(tz) {
  return zonedParts(new Date(), tz).date;
}

/** The calendar date of RFC 3339 timestamp ts in time zone tz. */
export function dateIn(ts, tz) {
  const t = new Date(ts);
  if (Number.isNaN(t.getTime())) return '';
  return zonedParts(t, tz).date;
}

/** Minutes since midnight of "HH:MM", or null. */
export function parseHHMM(s) {
  const m = /^(\d{1,2}):(\d{2})/.exec(String(s || ''));
  if (!m) return null;
  return Number(m[1]) * 60 + Number(m[2]);
}

/** "HH:MM" for minutes since midnight. */
export function formatHHMM(minutes) {
  const m = ((Math.round(minutes) % 1440) + 1440) % 1440;
  return `${pad(Math.floor(m / 60))}:${pad(m % 60)}`;
}

/** The month "YYYY-MM" of date s. */
export function monthOf(s) {
  return String(s).slice(0, 7);
}

/** Reports whether s is a month "YYYY-MM". */
export function isMonth(s) {
  return typeof s === 'string' && /^\d{4}-(0[1-9]|1[0-2])$/.test(s);
}

/** Month m ("YYYY-MM") moved by n months. */
export function addMonths(m, n) {
  const y = Number(m.slice(0, 4));
  const k = y * 12 + Number(m.slice(5, 7)) - 1 + n;
  return `${String(Math.floor(k / 12)).padStart(4, '0')}-${pad((k % 12) + 1)}`;
}

/** The first and last dates of month m ("YYYY-MM"). */
export function monthRange(m) {
  const first = `${m}-01`;
  return { from: first, to: addDays(`${addMonths(m, 1)}-01`, -1) };
}

/**
 * The instant at which the wall clock in time zone tz shows date ("YYYY-MM-DD")
 * and time ("HH:MM"), or null when that time does not exist there (the hour
 * skipped when clocks go forward). When it exists twice (clocks go back),
 * the earlier instant.
 */
export function instantIn(date, time, tz) {
  if (!isDate(date) || !/^\d{2}:\d{2}$/.test(String(time))) return null;
  const wall = utcMs(date) + (parseHHMM(time) * 60_000);
  const offsetAt = (ms) => {
    const p = zonedParts(new Date(ms), tz);
    return utcMs(p.date) + p.minutes * 60_000 - (ms - (((ms % 60_000) + 60_000) % 60_000));
  };
  // Two candidate offsets (before and after a change); keep those that give
  // the wall time back, earliest first.
  const candidates = [...new Set([offsetAt(wall - 86_400_000), offsetAt(wall), offsetAt(wall + 86_400_000)])]
    .map((off) => wall - off)
    .filter((ms) => {
      const p = zonedParts(new Date(ms), tz);
      return p.date === date && p.minutes === parseHHMM(time);
    })
    .sort((a, b) => a - b);
  return candidates.length ? new Date(candidates[0]) : null;
}
