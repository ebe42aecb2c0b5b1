/**
 * Lua for burst-api's scripts, pasted in front of a script that uses it.
 * `hsetInOrder(key, order, values)`: one HSET of `key`'s fields named in the list `order`, each
 * to `values[field]` (nothing when `order` is empty). How a script writes what its call changed
 * with one command instead of one per item.
 */
export const LUA_HSET_IN_ORDER = `
local function hsetInOrder(key, order, values)
  if #order == 0 then return end
  local args = {}
  for _, field in ipairs(order) do
    args[#args + 1] = field
    args[#args + 1] = values[field]
  end
  redis.call('HSET', key, unpack(args))
end
`;
