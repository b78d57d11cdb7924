import type { SampleRow } from './common.js';

/** An arena: city, state (province for Toronto), name, coordinates, IANA zone, nearest airport. */
interface Arena {
  city: string;
  state: string;
  arena: string;
  lat: number;
  lon: number;
  zone: string;
  airport: string;
  country?: string;
}

const ET = 'America/New_York';
const CT = 'America/Chicago';
const MT = 'America/Denver';
const PT = 'America/Los_Angeles';

/** The 30 home arenas (coordinates rounded to 0.001 degree). */
export const ARENAS: Readonly<Record<string, Arena>> = {
  ATL: { city: 'Atlanta', state: 'GA', arena: 'State Farm Arena', lat: 33.757, lon: -84.396, zone: ET, airport: 'ATL' },
  BOS: { city: 'Boston', state: 'MA', arena: 'TD Garden', lat: 42.366, lon: -71.062, zone: ET, airport: 'BOS' },
  BKN: { city: 'Brooklyn', state: 'NY', arena: 'Barclays Center', lat: 40.683, lon: -73.975, zone: ET, airport: 'JFK' },
  CHA: { city: 'Charlotte', state: 'NC', arena: 'Spectrum Center', lat: 35.225, lon: -80.839, zone: ET, airport: 'CLT' },
  CHI: { city: 'Chicago', state: 'IL', arena: 'United Center', lat: 41.881, lon: -87.674, zone: CT, airport: 'ORD' },
  CLE: { city: 'Cleveland', state: 'OH', arena: 'Rocket Mortgage FieldHouse', lat: 41.497, lon: -81.688, zone: ET, airport: 'CLE' },
  DAL: { city: 'Dallas', state: 'TX', arena: 'American Airlines Center', lat: 32.79, lon: -96.81, zone: CT, airport: 'DFW' },
  DEN: { city: 'Denver', state: 'CO', arena: 'Ball Arena', lat: 39.749, lon: -105.008, zone: MT, airport: 'DEN' },
  DET: { city: 'Detroit', state: 'MI', arena: 'Little Caesars Arena', lat: 42.341, lon: -83.055, zone: ET, airport: 'DTW' },
  GSW: { city: 'San Francisco', state: 'CA', arena: 'Chase Center', lat: 37.768, lon: -122.388, zone: PT, airport: 'SFO' },
  HOU: { city: 'Houston', state: 'TX', arena: 'Toyota Center', lat: 29.751, lon: -95.362, zone: CT, airport: 'IAH' },
  IND: { city: 'Indianapolis', state: 'IN', arena: 'Gainbridge Fieldhouse', lat: 39.764, lon: -86.155, zone: 'America/Indiana/Indianapolis', airport: 'IND' },
  LAC: { city: 'Los Angeles', state: 'CA', arena: 'Crypto.com Arena', lat: 34.043, lon: -118.267, zone: PT, airport: 'LAX' },
  LAL: { city: 'Los Angeles', state: 'CA', arena: 'Crypto.com Arena', lat: 34.043, lon: -118.267, zone: PT, airport: 'LAX' },
  MEM: { city: 'Memphis', state: 'TN', arena: 'FedExForum', lat: 35.138, lon: -90.051, zone: CT, airport: 'MEM' },
  MIA: { city: 'Miami', state: 'FL', arena: 'FTX Arena', lat: 25.781, lon: -80.188, zone: ET, airport: 'MIA' },
  MIL: { city: 'Milwaukee', state: 'WI', arena: 'Fiserv Forum', lat: 43.045, lon: -87.917, zone: CT, airport: 'MKE' },
  MIN: { city: 'Minneapolis', state: 'MN', arena: 'Target Center', lat: 44.979, lon: -93.276, zone: CT, airport: 'MSP' },
  NOP: { city: 'New Orleans', state: 'LA', arena: 'Smoothie King Center', lat: 29.949, lon: -90.082, zone: CT, airport: 'MSY' },
  NYK: { city: 'New York', state: 'NY', arena: 'Madison Square Garden', lat: 40.751, lon: -73.993, zone: ET, airport: 'LGA' },
  OKC: { city: 'Oklahoma City', state: 'OK', arena: 'Paycom Center', lat: 35.463, lon: -97.515, zone: CT, airport: 'OKC' },
  ORL: { city: 'Orlando', state: 'FL', arena: 'Amway Center', lat: 28.539, lon: -81.384, zone: ET, airport: 'MCO' },
  PHI: { city: 'Philadelphia', state: 'PA', arena: 'Wells Fargo Center', lat: 39.901, lon: -75.172, zone: ET, airport: 'PHL' },
  PHX: { city: 'Phoenix', state: 'AZ', arena: 'Footprint Center', lat: 33.446, lon: -112.071, zone: 'America/Phoenix', airport: 'PHX' },
  POR: { city: 'Portland', state: 'OR', arena: 'Moda Center', lat: 45.532, lon: -122.667, zone: PT, airport: 'PDX' },
  SAC: { city: 'Sacramento', state: 'CA', arena: 'Golden 1 Center', lat: 38.58, lon: -121.5, zone: PT, airport: 'SMF' },
  SAS: { city: 'San Antonio', state: 'TX', arena: 'AT&T Center', lat: 29.427, lon: -98.437, zone: CT, airport: 'SAT' },
  TOR: { city: 'Toronto', state: 'ON', arena: 'Scotiabank Arena', lat: 43.643, lon: -79.379, zone: 'America/Toronto', airport: 'YYZ', country: 'CAN' },
  UTA: { city: 'Salt Lake City', state: 'UT', arena: 'Vivint Arena', lat: 40.768, lon: -111.901, zone: MT, airport: 'SLC' },
  WAS: { city: 'Washington', state: 'DC', arena: 'Capital One Arena', lat: 38.898, lon: -77.021, zone: ET, airport: 'DCA' },
};

/** Standard-time hours behind UTC per zone (Phoenix keeps MST all year; the sample ignores DST here). */
const ZONE_HOURS: Readonly<Record<string, number>> = {
  [ET]: 5, 'America/Indiana/Indianapolis': 5, 'America/Toronto': 5, [CT]: 6, [MT]: 7, 'America/Phoenix': 7, [PT]: 8,
};

const EARTH_RADIUS_MILES = 3958.8;

/** Great-circle miles between two arenas (haversine), rounded to a whole mile. */
export function greatCircleMiles(a: Pick<Arena, 'lat' | 'lon'>, b: Pick<Arena, 'lat' | 'lon'>): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return Math.round(2 * EARTH_RADIUS_MILES * Math.asin(Math.sqrt(h)));
}

function arena(code: string): Arena {
  const found = ARENAS[code];
  if (!found) throw new Error(`no arena for ${code}`);
  return found;
}

/** nba_static.team_locations: one row per team. */
export function teamLocationRows(teams: readonly string[], createdAt: string): SampleRow[] {
  return teams.map((code) => {
    const a = arena(code);
    return {
      team_abbr: code, city: a.city, state: a.state, arena_name: a.arena, latitude: a.lat, longitude: a.lon,
      timezone: a.zone, airport_code: a.airport, country: a.country ?? 'USA', created_at: createdAt, updated_at: createdAt,
    };
  });
}

/**
 * nba_static.travel_distances: every ordered pair of different teams, great-circle miles; zones
 * crossed and direction from the standard offsets; jet lag 1.5 per zone flying east, 1 west.
 */
export function travelDistanceRows(teams: readonly string[], createdAt: string): SampleRow[] {
  const rows: SampleRow[] = [];
  for (const from of teams) {
    for (const to of teams) {
      if (from === to) continue;
      const a = arena(from);
      const b = arena(to);
      const shift = (ZONE_HOURS[a.zone] ?? 5) - (ZONE_HOURS[b.zone] ?? 5);
      const zones = Math.abs(shift);
      const direction = shift > 0 ? 'east' : shift < 0 ? 'west' : 'none';
      rows.push({
        from_team: from, to_team: to, from_city: a.city, to_city: b.city, distance_miles: greatCircleMiles(a, b),
        time_zones_crossed: zones, travel_direction: direction, jet_lag_factor: zones * (shift > 0 ? 1.5 : 1),
        created_at: createdAt, updated_at: createdAt,
      });
    }
  }
  return rows;
}
