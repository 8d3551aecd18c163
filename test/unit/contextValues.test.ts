// package.json's menus match rows by their contextValue: every head and flag a `viewItem` clause
// names must be one the grammar declares (rows can only be built from those), or the menu item
// silently never shows.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { contextValue, FLAGS, HEADS, valueFlag, VALUE_FLAGS } from '../../src/views/contextValues';

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { contributes: { menus: Record<string, { when?: string }[]> } };

/** Every `viewItem == x` and `viewItem =~ /re/` in the menus. */
function clauses(): string[] {
  const whens = Object.values(manifest.contributes.menus).flat().map(m => m.when ?? '');
  return whens.flatMap(when => [...when.matchAll(/viewItem\s*(==|=~)\s*(\/(?:\\\/|[^/])*\/|[^\s&|)]+)/g)].map(m => m[2]));
}

/** The heads a clause names: `^head`, `^(a|b)`, or the whole value of an `==`. */
function headsOf(clause: string): string[] {
  if (!clause.startsWith('/')) {
    return [clause.split('+')[0]];
  }
  const m = /^\/\^(?:\(([\w|]+)\)|(\w+))/.exec(clause);
  assert.ok(m, `a viewItem regex anchors a head: ${clause}`);
  return (m[1] ?? m[2]).split('|');
}

/** The flags a clause names after `\+`. */
function flagsOf(clause: string): string[] {
  return [...clause.matchAll(/\\\\?\+\(?([\w|]+)\)?/g)].flatMap(m => m[1].split('|'));
}

describe('contextValue grammar', () => {
  it('finds the menus\' viewItem clauses', () => {
    // Guards the parsing below: the manifest has many row menus.
    assert.ok(clauses().length >= 15, `found ${clauses().length}`);
  });

  it('knows every head a viewItem clause names', () => {
    const unknown = clauses().flatMap(c => headsOf(c).filter(h => !(HEADS as readonly string[]).includes(h)).map(h => `${h} in ${c}`));
    assert.deepEqual(unknown, []);
  });

  it('knows every flag a viewItem clause names', () => {
    const named = clauses().flatMap(flagsOf);
    assert.ok(named.includes('hasIncidentUrl') && named.includes('unsaved'), `parsed flags: ${named.join(', ')}`);
    const unknown = named.filter(f => !(FLAGS as readonly string[]).includes(f) && !VALUE_FLAGS.some(v => f.startsWith(v)));
    assert.deepEqual(unknown, []);
  });

  it('would catch a clause that names a head no row produces', () => {
    assert.deepEqual(headsOf('/^(alert|alertz)\\b/').filter(h => !(HEADS as readonly string[]).includes(h)), ['alertz']);
  });

  it('builds values from a head and flags, and keeps Graph values from adding flags', () => {
    assert.equal(contextValue('alert', valueFlag('sev', 'high'), 'assigned', false, undefined, 'hasWebUrl'), 'alert+sev-high+assigned+hasWebUrl');
    assert.equal(valueFlag('status', 'new+hasWebUrl'), 'status-newhasWebUrl');
    assert.equal(valueFlag('status', 42), 'status-unknown');
  });
});
