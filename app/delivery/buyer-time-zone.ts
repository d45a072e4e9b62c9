import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js";
import { quietHoursSchema, releaseAfterQuietHours } from "./quiet-hours";
import { isTimeZone } from "../time-zone";

// The buyer's own time zone, for quiet hours that follow the buyer's clock
// (DESIGN.md "Send guard"): the shipping address (its province where the
// country spans several zones), else the phone number's country, else the
// shop's zone. Pure: Intl and libphonenumber-js only.
//
// Country to zones comes from the ICU data inside Node (Intl.Locale
// getTimeZones), so it follows the tz releases Node ships and needs no
// dependency. ICU names a few zones by their old CLDR identifiers
// (Asia/Calcutta); we answer with the current IANA names (Asia/Kolkata),
// which Intl accepts alike. What ICU lacks is which zone a province is in
// and which zone stands for a country that has several: the tables below
// (IANA zone.tab comments, majority of the population where a province is
// split).

export type BuyerTimeZoneSource = "shipping_province" | "shipping_country" | "phone_country" | "shop";

export interface BuyerTimeZone {
  timeZone: string;
  source: BuyerTimeZoneSource;
  /** ISO 3166-1 alpha-2 country the zone was taken from, null for the shop's zone */
  country: string | null;
}

export interface BuyerLocation {
  /** shipping address country code (IN) or, without one, its name (India) */
  countryCode?: string | null;
  country?: string | null;
  /** shipping address province code (CA, US-CA, NSW, Q ROO) */
  provinceCode?: string | null;
  /** the buyer's phone, E.164 or national (read with the shop's country) */
  phone?: string | null;
}

export interface ShopClock {
  timeZone: string;
  countryCode?: string | null;
}

const US: Record<string, string> = {
  AL: "America/Chicago",
  AK: "America/Anchorage",
  AZ: "America/Phoenix",
  AR: "America/Chicago",
  CA: "America/Los_Angeles",
  CO: "America/Denver",
  CT: "America/New_York",
  DE: "America/New_York",
  DC: "America/New_York",
  FL: "America/New_York",
  GA: "America/New_York",
  HI: "Pacific/Honolulu",
  ID: "America/Boise",
  IL: "America/Chicago",
  IN: "America/Indiana/Indianapolis",
  IA: "America/Chicago",
  KS: "America/Chicago",
  KY: "America/Kentucky/Louisville",
  LA: "America/Chicago",
  ME: "America/New_York",
  MD: "America/New_York",
  MA: "America/New_York",
  MI: "America/Detroit",
  MN: "America/Chicago",
  MS: "America/Chicago",
  MO: "America/Chicago",
  MT: "America/Denver",
  NE: "America/Chicago",
  NV: "America/Los_Angeles",
  NH: "America/New_York",
  NJ: "America/New_York",
  NM: "America/Denver",
  NY: "America/New_York",
  NC: "America/New_York",
  ND: "America/Chicago",
  OH: "America/New_York",
  OK: "America/Chicago",
  OR: "America/Los_Angeles",
  PA: "America/New_York",
  RI: "America/New_York",
  SC: "America/New_York",
  SD: "America/Chicago",
  TN: "America/Chicago",
  TX: "America/Chicago",
  UT: "America/Denver",
  VT: "America/New_York",
  VA: "America/New_York",
  WA: "America/Los_Angeles",
  WV: "America/New_York",
  WI: "America/Chicago",
  WY: "America/Denver",
  // Territories Shopify lists as US provinces.
  PR: "America/Puerto_Rico",
  GU: "Pacific/Guam",
  VI: "America/St_Thomas",
  AS: "Pacific/Pago_Pago",
  MP: "Pacific/Saipan",
};

const CA: Record<string, string> = {
  AB: "America/Edmonton",
  BC: "America/Vancouver",
  MB: "America/Winnipeg",
  NB: "America/Moncton",
  NL: "America/St_Johns",
  NS: "America/Halifax",
  NT: "America/Edmonton",
  NU: "America/Iqaluit",
  ON: "America/Toronto",
  PE: "America/Halifax",
  QC: "America/Toronto",
  SK: "America/Regina",
  YT: "America/Whitehorse",
};

const AU: Record<string, string> = {
  ACT: "Australia/Sydney",
  NSW: "Australia/Sydney",
  NT: "Australia/Darwin",
  QLD: "Australia/Brisbane",
  SA: "Australia/Adelaide",
  TAS: "Australia/Hobart",
  VIC: "Australia/Melbourne",
  WA: "Australia/Perth",
};

const BR: Record<string, string> = {
  AC: "America/Rio_Branco",
  AL: "America/Maceio",
  AP: "America/Belem",
  AM: "America/Manaus",
  BA: "America/Bahia",
  CE: "America/Fortaleza",
  DF: "America/Sao_Paulo",
  ES: "America/Sao_Paulo",
  GO: "America/Sao_Paulo",
  MA: "America/Fortaleza",
  MT: "America/Cuiaba",
  MS: "America/Campo_Grande",
  MG: "America/Sao_Paulo",
  PA: "America/Belem",
  PB: "America/Fortaleza",
  PR: "America/Sao_Paulo",
  PE: "America/Recife",
  PI: "America/Fortaleza",
  RJ: "America/Sao_Paulo",
  RN: "America/Fortaleza",
  RS: "America/Sao_Paulo",
  RO: "America/Porto_Velho",
  RR: "America/Boa_Vista",
  SC: "America/Sao_Paulo",
  SP: "America/Sao_Paulo",
  SE: "America/Maceio",
  TO: "America/Araguaina",
};

// Shopify's codes (AGS, Q ROO) and ISO 3166-2 codes (AGU, ROO) alike.
const MX_ZONES: [string, string[]][] = [
  [
    "America/Mexico_City",
    [
      "AGS",
      "AGU",
      "CHIS",
      "CHP",
      "COL",
      "DF",
      "CDMX",
      "CMX",
      "GTO",
      "GUA",
      "GRO",
      "HGO",
      "HID",
      "JAL",
      "MEX",
      "MICH",
      "MIC",
      "MOR",
      "OAX",
      "PUE",
      "QRO",
      "QUE",
      "SLP",
      "TAB",
      "TLAX",
      "TLA",
      "VER",
      "ZAC",
    ],
  ],
  ["America/Tijuana", ["BC", "BCN"]],
  ["America/Mazatlan", ["BCS", "NAY", "SIN"]],
  ["America/Merida", ["CAMP", "CAM", "YUC"]],
  ["America/Cancun", ["QROO", "ROO"]],
  ["America/Chihuahua", ["CHIH", "CHH"]],
  ["America/Monterrey", ["COAH", "COA", "DGO", "DUR", "NL", "NLE", "TAMPS", "TAM"]],
  ["America/Hermosillo", ["SON"]],
];

const ID_ZONES: [string, string[]][] = [
  ["Asia/Jakarta", ["AC", "SU", "SB", "RI", "KR", "JA", "BE", "SS", "BB", "LA", "BT", "JK", "JB", "JT", "YO", "JI"]],
  ["Asia/Pontianak", ["KB", "KT"]],
  ["Asia/Makassar", ["BA", "NB", "NT", "KS", "KI", "KU", "SA", "ST", "SG", "SN", "SR", "GO"]],
  ["Asia/Jayapura", ["MA", "MU", "PA", "PB", "PD", "PE", "PS", "PT"]],
];

// ISO 3166-2:RU federal subjects.
const RU_ZONES: [string, string[]][] = [
  ["Europe/Kaliningrad", ["KGD"]],
  [
    "Europe/Moscow",
    [
      "MOW",
      "SPE",
      "MOS",
      "LEN",
      "AD",
      "ARK",
      "BEL",
      "BRY",
      "VLA",
      "VLG",
      "VOR",
      "IVA",
      "KB",
      "KL",
      "KR",
      "KLU",
      "KC",
      "KO",
      "KOS",
      "KDA",
      "KRS",
      "LIP",
      "ME",
      "MO",
      "MUR",
      "NEN",
      "NIZ",
      "NGR",
      "ORL",
      "PNZ",
      "PSK",
      "ROS",
      "RYA",
      "SE",
      "SMO",
      "STA",
      "TAM",
      "TA",
      "TVE",
      "TUL",
      "CU",
      "YAR",
      "DA",
      "IN",
      "CE",
    ],
  ],
  ["Europe/Kirov", ["KIR"]],
  ["Europe/Volgograd", ["VGG"]],
  ["Europe/Samara", ["SAM", "UD"]],
  ["Europe/Ulyanovsk", ["ULY"]],
  ["Europe/Saratov", ["SAR"]],
  ["Europe/Astrakhan", ["AST"]],
  ["Asia/Yekaterinburg", ["SVE", "BA", "CHE", "KGN", "ORE", "PER", "TYU", "KHM", "YAN"]],
  ["Asia/Omsk", ["OMS"]],
  ["Asia/Novosibirsk", ["NVS"]],
  ["Asia/Barnaul", ["ALT", "AL"]],
  ["Asia/Novokuznetsk", ["KEM"]],
  ["Asia/Tomsk", ["TOM"]],
  ["Asia/Krasnoyarsk", ["KYA", "TY", "KK"]],
  ["Asia/Irkutsk", ["IRK", "BU"]],
  ["Asia/Chita", ["ZAB"]],
  ["Asia/Yakutsk", ["SA", "AMU"]],
  ["Asia/Vladivostok", ["PRI", "KHA", "YEV"]],
  ["Asia/Magadan", ["MAG"]],
  ["Asia/Sakhalin", ["SAK"]],
  ["Asia/Kamchatka", ["KAM"]],
  ["Asia/Anadyr", ["CHU"]],
];

const byZone = (groups: [string, string[]][]) => Object.fromEntries(groups.flatMap(([zone, codes]) => codes.map((code) => [code, zone])));

/** Province code to zone, for the countries whose provinces are not all in one zone. */
export const PROVINCE_TIME_ZONES: Record<string, Record<string, string>> = {
  US,
  CA,
  AU,
  BR,
  MX: byZone(MX_ZONES),
  ID: byZone(ID_ZONES),
  RU: byZone(RU_ZONES),
  ES: { GC: "Atlantic/Canary", TF: "Atlantic/Canary", CE: "Africa/Ceuta", ML: "Africa/Ceuta" },
  PT: { "20": "Atlantic/Azores", "30": "Atlantic/Madeira" },
  EC: { W: "Pacific/Galapagos" },
  NZ: { CIT: "Pacific/Chatham" },
  KI: { G: "Pacific/Tarawa", L: "Pacific/Kiritimati", P: "Pacific/Kanton" },
  FM: { TRK: "Pacific/Chuuk", YAP: "Pacific/Chuuk", PNI: "Pacific/Pohnpei", KSA: "Pacific/Kosrae" },
};

/** The zone that stands for a country with several when the province is unknown: where most of its people live. */
export const COUNTRY_TIME_ZONES: Record<string, string> = {
  AR: "America/Argentina/Buenos_Aires",
  AU: "Australia/Sydney",
  BR: "America/Sao_Paulo",
  CA: "America/Toronto",
  CD: "Africa/Kinshasa",
  CL: "America/Santiago",
  CN: "Asia/Shanghai",
  CY: "Asia/Nicosia",
  DE: "Europe/Berlin",
  EC: "America/Guayaquil",
  ES: "Europe/Madrid",
  FM: "Pacific/Pohnpei",
  GL: "America/Nuuk",
  ID: "Asia/Jakarta",
  KI: "Pacific/Tarawa",
  KZ: "Asia/Almaty",
  MH: "Pacific/Majuro",
  MN: "Asia/Ulaanbaatar",
  MX: "America/Mexico_City",
  MY: "Asia/Kuala_Lumpur",
  NZ: "Pacific/Auckland",
  PF: "Pacific/Tahiti",
  PG: "Pacific/Port_Moresby",
  PS: "Asia/Hebron",
  PT: "Europe/Lisbon",
  RU: "Europe/Moscow",
  UA: "Europe/Kyiv",
  UM: "Pacific/Wake",
  US: "America/New_York",
  UZ: "Asia/Tashkent",
};

// Current IANA names for the old CLDR identifiers ICU still uses for a country's only zone.
const CURRENT_NAMES = ["Asia/Kolkata", "Asia/Kathmandu", "Asia/Yangon", "Asia/Ho_Chi_Minh", "Africa/Asmara", "Atlantic/Faroe"];

let icuToIana: Map<string, string> | null = null;

const icuName = (timeZone: string) => new Intl.DateTimeFormat("en-US", { timeZone }).resolvedOptions().timeZone;

/** The current IANA name of a zone ICU reports under an old identifier. */
export function currentZoneName(timeZone: string): string {
  if (!icuToIana) {
    icuToIana = new Map();
    const named = [...CURRENT_NAMES, ...Object.values(COUNTRY_TIME_ZONES), ...Object.values(PROVINCE_TIME_ZONES).flatMap((zones) => Object.values(zones))];
    for (const name of named) if (icuName(name) !== name) icuToIana.set(icuName(name), name);
  }
  return icuToIana.get(timeZone) ?? timeZone;
}

const zonesByCountry = new Map<string, readonly string[]>();

/** The zones ICU lists for a country (current IANA names), [] for an unknown code. */
export function countryTimeZones(countryCode: string): readonly string[] {
  if (!/^[A-Z]{2}$/.test(countryCode)) return [];
  const known = zonesByCountry.get(countryCode);
  if (known) return known;
  let zones: readonly string[];
  try {
    // Intl.Locale#getTimeZones (the Intl Locale Info proposal, shipped in Node 24) is not in TypeScript's lib yet.
    const locale = new Intl.Locale(`und-${countryCode}`) as Intl.Locale & { getTimeZones?: () => string[] };
    zones = locale.getTimeZones?.().map(currentZoneName) ?? [];
  } catch {
    zones = [];
  }
  zonesByCountry.set(countryCode, zones);
  return zones;
}

/** "US-CA", "ca", "Q. Roo" -> "CA", "CA", "QROO". */
function provinceKey(countryCode: string, provinceCode: string): string {
  const upper = provinceCode.trim().toUpperCase();
  const unprefixed = upper.startsWith(`${countryCode}-`) ? upper.slice(countryCode.length + 1) : upper;
  return unprefixed.replace(/[\s.]/g, "");
}

export function provinceTimeZone(countryCode: string, provinceCode: string | null | undefined): string | null {
  if (!provinceCode?.trim()) return null;
  return PROVINCE_TIME_ZONES[countryCode]?.[provinceKey(countryCode, provinceCode)] ?? null;
}

/**
 * The zone for a country without its province: its only zone, or the shop's
 * own zone when the shop is in that country (its buyers are more likely near
 * it), or the zone where most of the country lives. Null when unknown.
 */
export function countryTimeZone(countryCode: string, shopTimeZone?: string | null): string | null {
  const zones = countryTimeZones(countryCode);
  if (zones.length === 1) return zones[0];
  if (zones.length === 0) return null;
  const shopZone = shopTimeZone && isTimeZone(shopTimeZone) ? currentZoneName(icuName(shopTimeZone)) : null;
  if (shopZone && zones.includes(shopZone)) return shopZone;
  return COUNTRY_TIME_ZONES[countryCode] ?? null;
}

let countryByName: Map<string, string> | null = null;

function countryFromName(name: string): string | null {
  if (!countryByName) {
    countryByName = new Map();
    const names = new Intl.DisplayNames(["en"], { type: "region" });
    const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    for (const a of letters) {
      for (const b of letters) {
        const code = `${a}${b}`;
        const display = names.of(code);
        if (display && display !== code && !countryByName.has(display.toLowerCase())) countryByName.set(display.toLowerCase(), code);
      }
    }
  }
  return countryByName.get(name.trim().toLowerCase()) ?? null;
}

function addressCountry(location: BuyerLocation): string | null {
  const code = location.countryCode?.trim().toUpperCase();
  if (code && /^[A-Z]{2}$/.test(code)) return code;
  return location.country?.trim() ? countryFromName(location.country) : null;
}

/** The country of a phone number (E.164, or national in the shop's country), null when it cannot be told. */
export function phoneCountry(phone: string | null | undefined, defaultCountry?: string | null): string | null {
  if (!phone?.trim()) return null;
  const region = defaultCountry && /^[A-Z]{2}$/.test(defaultCountry) ? (defaultCountry as CountryCode) : undefined;
  return parsePhoneNumberFromString(phone, region)?.country ?? null;
}

/** The buyer's time zone and where it came from. Always answers: the shop's zone (or UTC) is the last resort. */
export function buyerTimeZone(location: BuyerLocation, shop: ShopClock): BuyerTimeZone {
  const country = addressCountry(location);
  if (country) {
    const province = provinceTimeZone(country, location.provinceCode);
    if (province) return { timeZone: province, source: "shipping_province", country };
    const zone = countryTimeZone(country, shop.timeZone);
    if (zone) return { timeZone: zone, source: "shipping_country", country };
  }
  const dialled = phoneCountry(location.phone, shop.countryCode);
  if (dialled) {
    const zone = countryTimeZone(dialled, shop.timeZone);
    if (zone) return { timeZone: zone, source: "phone_country", country: dialled };
  }
  return { timeZone: isTimeZone(shop.timeZone) ? shop.timeZone : "UTC", source: "shop", country: null };
}

/** Quiet hours as minutes after local midnight; the window may cross midnight (22:00-08:00 is 1320-480). */
export interface QuietWindow {
  startMinute: number;
  endMinute: number;
}

export type QuietHoursStatus = { inside: false } | { inside: true; endsAt: Date };

export class QuietWindowError extends Error {
  override name = "QuietWindowError";
  readonly kind = "invalid_quiet_hours";
}

/**
 * Whether `at` falls inside the quiet window on the clock of `timeZone`
 * (the start belongs to the window, the end does not), and if so the first
 * instant it is over: local wall-clock arithmetic through
 * app/delivery/quiet-hours.ts, so a DST change or a date line in between
 * moves the instant, not the local time it ends at.
 */
export function quietHoursAt(at: Date, window: QuietWindow, timeZone: string): QuietHoursStatus {
  const parsed = quietHoursSchema.safeParse({ ...window, timeZone });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new QuietWindowError(`quiet hours ${issue.path.join(".")} ${issue.message}`);
  }
  const endsAt = releaseAfterQuietHours(at, parsed.data);
  return endsAt.getTime() > at.getTime() ? { inside: true, endsAt } : { inside: false };
}
