// The store's cache lives in VS Code's global state, and every write of it is sent to the window:
// refreshing unchanged data must not write it again each time (found by the endurance test).
import * as assert from 'node:assert/strict';
import type { CacheStorage } from '../../src/model/store';
import { generateTenant } from '../../src/sample/generator';
import { inProcessStore } from './inProcessStore';

class CountingCache implements CacheStorage {
  readonly values = new Map<string, unknown>();
  writes = 0;
  get<T>(key: string): T | undefined {
    return this.values.get(key) as T | undefined;
  }
  update(key: string, value: unknown): Promise<void> {
    this.writes++;
    if (value === undefined) {
      this.values.delete(key);
    } else {
      this.values.set(key, value);
    }
    return Promise.resolve();
  }
  keys(): readonly string[] {
    return [...this.values.keys()];
  }
}

describe('store cache writes', () => {
  it('writes a section again only when it changed, or its "as of" is ten minutes old', async () => {
    let now = new Date('2026-11-22T10:00:00Z');
    const cache = new CountingCache();
    const { store, engine } = inProcessStore(generateTenant({ now }), () => now, cache);
    await store.refresh();
    assert.equal(cache.writes, 6, 'each section once');
    for (let i = 0; i < 20; i++) {
      await store.refresh();
    }
    assert.equal(cache.writes, 6, 'unchanged data is not written again');
    engine.dataset.alerts[0].title = 'Changed meanwhile';
    await store.refresh(['alerts']);
    assert.equal(cache.writes, 7, 'changed data is');
    now = new Date(now.getTime() + 11 * 60_000);
    await store.refresh(['profiles']);
    assert.equal(cache.writes, 8, 'and unchanged data after ten minutes, so "as of" moves on');
    await store.forget('tenant');
    assert.equal(cache.keys().length, 0);
    await store.refresh(['profiles']);
    assert.equal(cache.keys().length, 1, 'a forgotten tenant is written again');
  });
});
