-- tickmark: helpers behind :TickmarkToggle.
local M = {}

--- The tickmark client attached to a buffer, if any.
---@param bufnr integer
---@return vim.lsp.Client?
function M.client(bufnr)
  return vim.lsp.get_clients({ bufnr = bufnr, name = 'tickmark' })[1]
end

--- Toggles the task on line1 (1-based), or every task from line1 to line2 when ranged,
--- through the server command `tickmark.toggleTask`; the server answers with an edit.
---@param bufnr integer
---@param line1 integer
---@param line2 integer
---@param ranged boolean
function M.toggle(bufnr, line1, line2, ranged)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local client = M.client(bufnr)
  if not client then
    vim.notify('tickmark: no tickmark language server is attached to this buffer', vim.log.levels.WARN)
    return
  end
  local uri = vim.uri_from_bufnr(bufnr)
  local arg
  if ranged and line2 > line1 then
    local last = vim.api.nvim_buf_get_lines(bufnr, line2 - 1, line2, false)[1] or ''
    local encoding = client.offset_encoding or 'utf-16'
    local last_col = vim.str_utfindex(last, encoding)
    arg = { uri = uri, range = { start = { line = line1 - 1, character = 0 }, ['end'] = { line = line2 - 1, character = last_col } } }
  else
    arg = { uri = uri, line = line1 - 1 }
  end
  client:exec_cmd({ title = 'Toggle task', command = 'tickmark.toggleTask', arguments = { arg } }, { bufnr = bufnr })
end

--- Toggles at the cursor, or over the visual selection when called from visual mode.
function M.toggle_current()
  local mode = vim.fn.mode()
  if mode == 'v' or mode == 'V' or mode == '\22' then
    local a, b = vim.fn.line('v'), vim.fn.line('.')
    vim.api.nvim_feedkeys(vim.keycode('<Esc>'), 'nx', false)
    M.toggle(0, math.min(a, b), math.max(a, b), true)
  else
    local line = vim.fn.line('.')
    M.toggle(0, line, line, false)
  end
end

return M
