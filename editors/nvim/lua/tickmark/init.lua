-- tickmark: helpers behind :TickmarkToggle, and which buffers are roadmaps.
local M = {}

--- The default roadmap globs (SPEC section 6), as in tickmark.toml and the VS Code extension.
M.default_globs = {
  '**/ROADMAP*.md',
  '**/TODO*.md',
  '**/BACKLOG*.md',
  '**/*ROADMAP*.md',
  '**/*TODO*.md',
  '**/TECH*DEBT*.md',
  '**/*BACKLOG*.md',
}

--- The roadmap globs in force: `settings.tickmark.roadmaps` of the config, else the defaults
--- (the VS Code extension reads its `tickmark.roadmaps` setting the same way).
---@param config? vim.lsp.Config
---@return string[]
function M.globs(config)
  local settings = config and config.settings and config.settings.tickmark
  local roadmaps = type(settings) == 'table' and settings.roadmaps or nil
  if type(roadmaps) == 'table' and #roadmaps > 0 then
    return roadmaps
  end
  return M.default_globs
end

--- `{a,b}` alternatives expanded, innermost first.
---@param glob string
---@return string[]
local function expand_braces(glob)
  local open, close
  for i = 1, #glob do
    local c = glob:sub(i, i)
    if c == '{' then
      open = i
    elseif c == '}' and open then
      close = i
      break
    end
  end
  if not close then
    return { glob }
  end
  local out = {}
  for alt in (glob:sub(open + 1, close - 1) .. ','):gmatch('([^,]*),') do
    vim.list_extend(out, expand_braces(glob:sub(1, open - 1) .. alt .. glob:sub(close + 1)))
  end
  return out
end

--- Glob match of the whole of `s`: `**/` is any number of folders (none too), `**` anything,
--- `*` anything within one path component, `?` one character of it, `[...]` a class.
---@param g string
---@param s string
---@return boolean
local function glob_match(g, s)
  local memo = {}
  local function m(gi, si)
    local key = gi * (#s + 2) + si
    if memo[key] ~= nil then
      return memo[key]
    end
    local result
    if gi > #g then
      result = si > #s
    elseif g:sub(gi, gi + 2) == '**/' then
      result = m(gi + 3, si)
      for j = si, #s do
        if result then
          break
        end
        if s:sub(j, j) == '/' then
          result = m(gi + 3, j + 1)
        end
      end
    elseif g:sub(gi, gi + 1) == '**' then
      result = false
      for j = si, #s + 1 do
        if m(gi + 2, j) then
          result = true
          break
        end
      end
    else
      local c = g:sub(gi, gi)
      if c == '*' then
        result = false
        for j = si, #s + 1 do
          if m(gi + 1, j) then
            result = true
            break
          end
          if j > #s or s:sub(j, j) == '/' then
            break
          end
        end
      elseif si > #s then
        result = false
      elseif c == '?' then
        result = s:sub(si, si) ~= '/' and m(gi + 1, si + 1)
      elseif c == '[' and g:find(']', gi + 2, true) then
        local close = g:find(']', gi + 2, true)
        local class = g:sub(gi + 1, close - 1):gsub('^!', '^'):gsub('([%%%.%(%)%+%*%?%$])', '%%%1')
        result = s:sub(si, si):find('[' .. class .. ']') ~= nil and m(close + 1, si + 1)
      else
        result = c == s:sub(si, si) and m(gi + 1, si + 1)
      end
    end
    memo[key] = result
    return result
  end
  return m(1, 1)
end

--- Whether the file at `path` is a roadmap by `globs`, matched as the server matches them:
--- relative to `root` when the file lies below it (else its whole path), ignoring ASCII
--- case, and a glob without a leading `**/` or `/` (`PLAN.md`) meaning that path in any folder.
---@param path string absolute path of the file
---@param root? string the workspace root
---@param globs string[]
---@return boolean
function M.is_roadmap(path, root, globs)
  path = vim.fs.normalize(path)
  local rel = path
  if root and root ~= '' then
    root = vim.fs.normalize(root)
    if vim.startswith(path, root .. '/') then
      rel = path:sub(#root + 2)
    end
  end
  rel = rel:lower()
  for _, glob in ipairs(globs) do
    local g = glob:gsub('\\', '/'):gsub('^%./', ''):lower()
    if not vim.startswith(g, '**/') and not vim.startswith(g, '/') then
      g = '**/' .. g
    end
    for _, alt in ipairs(expand_braces(g)) do
      if glob_match(alt, rel) or (rel:sub(1, 1) == '/' and vim.startswith(alt, '**/') and glob_match(alt, rel:sub(2))) then
        return true
      end
    end
  end
  return false
end

--- `root_dir` of the tickmark config: the nearest folder with tickmark.toml or .git (else
--- the file's folder), for roadmap buffers only, so the server attaches to the same files
--- as in VS Code.
---@param bufnr integer
---@param on_dir fun(root: string)
function M.root_dir(bufnr, on_dir)
  local path = vim.api.nvim_buf_get_name(bufnr)
  if path == '' or vim.bo[bufnr].buftype ~= '' then
    return
  end
  local root = vim.fs.root(bufnr, { 'tickmark.toml', '.git' }) or vim.fs.dirname(path)
  if M.is_roadmap(path, root, M.globs(vim.lsp.config.tickmark)) then
    on_dir(root)
  end
end

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
