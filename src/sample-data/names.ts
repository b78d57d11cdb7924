import type { Rng } from './prng.js';

// Name parts for synthetic players. A few carry diacritics, apostrophes, hyphens or a suffix so
// that `playerLookup` has real work to do.

const FIRST_NAMES: readonly string[] = [
  'Aaron', 'Andre', 'Anthony', 'Bam', 'Ben', 'Bogdan', 'Bojan', 'Brandon', 'Bradley', 'Buddy',
  'Cade', 'Caleb', 'Cam', 'Cameron', 'Chris', 'Christian', 'Cole', 'Collin', 'Damian', 'Daniel',
  "D'Angelo", 'Darius', 'Dāvis', 'De\'Aaron', 'Dejounte', 'Derrick', 'Desmond', 'Devin', 'Domantas', 'Donovan',
  'Draymond', 'Dwight', 'Evan', 'Franz', 'Fred', 'Gary', 'Giannis', 'Goran', 'Gordon', 'Grant',
  'Harrison', 'Isaiah', 'Ivica', 'Jaden', 'Jalen', 'Jamal', 'Jaren', 'Jarrett', 'Jayson', 'Jerami',
  'Jimmy', 'Joel', 'Jonas', 'Jordan', 'José', 'Josh', 'Jrue', 'Jusuf', 'Karl', 'Keegan',
  'Kelly', 'Kemba', 'Kevin', 'Khris', 'Kyle', 'Kyrie', 'LaMelo', 'Lauri', 'Luka', 'Malik',
  'Marcus', 'Mikal', 'Miles', 'Myles', 'Nikola', 'Norman', 'OG', 'Pascal', 'Patrick', 'Paul',
  'RJ', 'Reggie', 'Robert', 'Rudy', 'Saddiq', 'Scottie', 'Seth', 'Shai', 'Spencer', 'Stephen',
  'Terry', 'Théo', 'Tobias', 'Trae', 'Tyler', 'Tyrese', 'Victor', 'Wendell', 'Zach', 'Ziaire',
  'Álex', 'Dario', 'Nicolò', 'Timothé', 'Dennis', 'Killian', 'Jakob', 'Moritz', 'Vasilije', 'Aleksej',
];

const LAST_NAMES: readonly string[] = [
  'Adams', 'Alvarado', 'Anderson', 'Bagley', 'Ball', 'Barnes', 'Beasley', 'Bell', 'Bogdanović', 'Bridges',
  'Brooks', 'Brown', 'Bryant', 'Caldwell', 'Carter', 'Clarke', 'Collins', 'Craig', 'Cunningham', 'Davis',
  'Dončić', 'Dort', 'Dosunmu', 'Edwards', 'Fournier', 'Fox', 'Gafford', 'Garland', 'Gordon', 'Grant',
  'Green', 'Harris', 'Hart', 'Hayes', 'Herro', 'Hernangómez', 'Holiday', 'Horford', 'Hunter', 'Ingram',
  'Jackson', 'Johnson', 'Jokić', 'Jones', 'Jović', 'Kennard', 'Kuminga', 'Lavine', 'Lewis', 'Lopez',
  'Lowry', 'Martin', 'Mathurin', 'McCollum', 'Mitchell', 'Mobley', 'Morant', 'Morris', 'Murray', 'Nance',
  'Nurkić', 'Okoro', 'Oladipo', 'Olynyk', 'Payton', 'Porziņģis', 'Poole', 'Porter', 'Powell', 'Randle',
  'Reddish', 'Reid', 'Robinson', 'Rose', 'Rozier', 'Šarić', 'Schröder', 'Sexton', 'Simmons', 'Smart',
  'Smith', 'Stewart', 'Tatum', 'Thomas', 'Thompson', 'Turner', 'Valančiūnas', 'VanVleet', 'Vučević', 'Wagner',
  'Walker', 'Washington', 'Watson', 'White', 'Wiggins', 'Williams', 'Wright', 'Young', 'Zubac', 'Žižić',
  "O'Neale", 'Gilgeous-Alexander', 'Kalaitzakis', 'Antetokounmpo', 'Bertāns',
  'Micić', 'Krejčí', 'Dieng', 'Şengün', 'Jokubaitis',
];

const SUFFIXES: readonly string[] = [' Jr.', ' II', ' III', ' Sr.'];

/**
 * The seed's player_lookup normalisation: NFKC, remove diacritics, casefold, keep only [a-z0-9]
 * ("José Alvarado" -> "josealvarado").
 */
export function playerLookup(name: string): string {
  return name
    .normalize('NFKC')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replaceAll('ß', 'ss')
    .replace(/[^a-z0-9]/g, '');
}

/** A random player name; about 4 % carry a suffix such as "Jr.". */
export function drawName(rng: Rng): string {
  const first = rng.pick(FIRST_NAMES);
  const last = rng.pick(LAST_NAMES);
  const suffix = rng.chance(0.04) ? rng.pick(SUFFIXES) : '';
  return `${first} ${last}${suffix}`;
}
