import { lauxlib, lua, lualib, to_jsstring, to_luastring } from 'fengari';

/** A JSON value as a Lua table constructor (arrays become sequences, as Argo CD's JSON → Lua conversion does). */
function toLua(v: unknown): string {
  if (v === null || v === undefined) return 'nil';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `{${v.map(toLua).join(', ')}}`;
  return `{${Object.entries(v as object).map(([k, x]) => `[${JSON.stringify(k)}] = ${toLua(x)}`).join(', ')}}`;
}

/** Runs an Argo CD health script on `obj` (bound to the global `obj`, as Argo CD does) and returns `hs`. */
export function runHealthScript(script: string, obj: unknown): { status: string; message: string } {
  const L = lauxlib.luaL_newstate();
  lualib.luaL_openlibs(L);
  const source = `obj = ${toLua(obj)}\nlocal function check()\n${script}\nend\nlocal hs = check()\nreturn hs.status, hs.message`;
  if (lauxlib.luaL_loadstring(L, to_luastring(source)) !== lua.LUA_OK || lua.lua_pcall(L, 0, 2, 0) !== lua.LUA_OK) {
    throw new Error(`Lua error: ${to_jsstring(lua.lua_tostring(L, -1))}`);
  }
  const status = lua.lua_isstring(L, -2) ? to_jsstring(lua.lua_tostring(L, -2)) : '';
  const message = lua.lua_isstring(L, -1) ? to_jsstring(lua.lua_tostring(L, -1)) : '';
  return { status, message };
}
