// metadata.generateName: the server appends five random characters to the
// prefix (names.SimpleNameGenerator), before the object is validated.

const alphanums = 'bcdfghjklmnpqrstvwxz2456789';
const randomLength = 5;
const maxNameLength = 63;
const maxGeneratedNameLength = maxNameLength - randomLength;

/** A name from a generateName prefix; `random` returns numbers in [0, 1). */
export function generateName(base: string, random: () => number = Math.random): string {
  const prefix = base.length > maxGeneratedNameLength ? base.slice(0, maxGeneratedNameLength) : base;
  let suffix = '';
  for (let i = 0; i < randomLength; i++) suffix += alphanums[Math.floor(random() * alphanums.length)];
  return prefix + suffix;
}
