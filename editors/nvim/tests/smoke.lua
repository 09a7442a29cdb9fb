-- Headless smoke test of the tickmark plugin against a real `tickmark lsp`:
--   TICKMARK_BIN=target/debug/tickmark nvim --headless --clean \
--     --cmd 'set rtp^=editors/nvim' -l editors/nvim/tests/smoke.lua
-- Opens a roadmap, waits for the server's diagnostics, applies code actions through
-- Neovim's own machinery (vim.lsp.buf.code_action with apply = true), runs
-- :TickmarkToggle, and checks the buffer after each step. Exits non-zero on failure.
local here = vim.fs.dirname(vim.fs.abspath(debug.getinfo(1, 'S').source:sub(2)))
local passed, failed = 0, 0
local timeout = tonumber(vim.env.TICKMARK_SMOKE_TIMEOUT or '') or 15000

local function out(msg)
  io.stdout:write(msg .. '\n')
end

local function check(ok, what, detail)
  if ok then
    passed = passed + 1
    out('PASS ' .. what)
  else
    failed = failed + 1
    out('FAIL ' .. what .. (detail and (': ' .. detail) or ''))
  end
  return ok
end

local function finish()
  out(('%d passed, %d failed'):format(passed, failed))
  for _, client in ipairs(vim.lsp.get_clients()) do
    client:stop(true)
  end
  os.exit(failed == 0 and passed > 0 and 0 or 1)
end

local function line(n)
  return vim.api.nvim_buf_get_lines(0, n - 1, n, false)[1]
end

local function wait_line(n, expected)
  vim.wait(timeout, function()
    return line(n) == expected
  end, 20)
  return check(line(n) == expected, ('line %d reads %q'):format(n, expected), ('got %q'):format(line(n) or 'nil'))
end

-- 1. the plugin loaded from the runtimepath and enabled the config
check(vim.g.loaded_tickmark == true, 'plugin/tickmark.lua loaded')
local config = vim.lsp.config.tickmark
check(config ~= nil and config.cmd[2] == 'lsp' and vim.tbl_contains(config.filetypes, 'markdown'), 'lsp/tickmark.lua provides the config')
local bin = vim.env.TICKMARK_BIN
if bin and bin ~= '' then
  vim.lsp.config('tickmark', { cmd = { vim.fs.abspath(bin), 'lsp' } })
end
if vim.fn.executable(vim.lsp.config.tickmark.cmd[1]) == 0 then
  check(false, 'tickmark binary found', 'set TICKMARK_BIN or put tickmark on PATH')
  finish()
end

-- 2. a roadmap in a fresh git repository (the root marker)
local workdir = vim.fn.tempname()
vim.fn.mkdir(workdir, 'p')
vim.system({ 'git', 'init', '-q', workdir }):wait()
local roadmap = workdir .. '/ROADMAP.md'
vim.fn.writefile(vim.fn.readfile(here .. '/fixture/ROADMAP.md'), roadmap)
vim.cmd.edit(roadmap)
local buf = vim.api.nvim_get_current_buf()
check(vim.bo[buf].filetype == 'markdown', 'ROADMAP.md is a markdown buffer')

local exited = false
vim.api.nvim_create_autocmd('LspDetach', {
  callback = function()
    exited = true
  end,
})
vim.wait(timeout, function()
  return exited or #vim.lsp.get_clients({ bufnr = buf, name = 'tickmark' }) > 0
end, 20)
local client = vim.lsp.get_clients({ bufnr = buf, name = 'tickmark' })[1]
if not check(client ~= nil, 'tickmark attached to the buffer') then
  local log = vim.fn.readfile(vim.lsp.log.get_filename())
  out(table.concat(vim.list_slice(log, math.max(1, #log - 5)), '\n'))
  finish()
end
check(client.root_dir == vim.fs.normalize(vim.uv.fs_realpath(workdir)) or client.root_dir == workdir, 'root is the git repository', client.root_dir)
check(vim.fn.exists(':TickmarkToggle') == 2, ':TickmarkToggle exists in the buffer')

-- 3. diagnostics: `- [] Setup Redis server locally` (line 6) is a malformed box
local function malformed()
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.code == 'malformed-checkbox' and d.lnum == 5 then
      return d
    end
  end
end
vim.wait(timeout, function()
  return malformed() ~= nil
end, 20)
local diag = malformed()
if check(diag ~= nil, 'malformed-checkbox diagnostic on line 6', vim.inspect(vim.diagnostic.get(buf))) then
  check(diag.source == 'tickmark', 'diagnostic source is tickmark', diag.source)
  check(diag.severity == vim.diagnostic.severity.WARN, 'diagnostic is a warning')
end

-- 4. the `Check item` quick fix on line 5, applied by Neovim
vim.api.nvim_win_set_cursor(0, { 5, 0 })
vim.lsp.buf.code_action({
  apply = true,
  filter = function(action)
    return action.title == 'Check item'
  end,
})
wait_line(5, '- [x] Add rate limiting [P0]')

-- 5. the malformed-checkbox fix on line 6 (the action that lists the diagnostic and is not an Ignore)
vim.api.nvim_win_set_cursor(0, { 6, 3 })
vim.lsp.buf.code_action({
  apply = true,
  context = { only = { 'quickfix' } },
  filter = function(action)
    if action.title:match('^Ignore') then
      return false
    end
    for _, d in ipairs(action.diagnostics or {}) do
      if d.code == 'malformed-checkbox' then
        return true
      end
    end
    return false
  end,
})
wait_line(6, '- [ ] Setup Redis server locally')
vim.wait(timeout, function()
  return malformed() == nil
end, 20)
check(malformed() == nil, 'the diagnostic is gone after the fix')

-- 6. :TickmarkToggle (workspace/executeCommand tickmark.toggleTask → workspace/applyEdit)
vim.api.nvim_win_set_cursor(0, { 7, 0 })
vim.cmd('TickmarkToggle')
wait_line(7, '- [x] Write the README')
vim.cmd('TickmarkToggle')
wait_line(7, '- [ ] Write the README')

-- 7. the server serves the roadmap globs only, as the VS Code extension does: a markdown
-- file with another name gets no client, one that matches the globs (any case) gets the
-- same client
local notes = workdir .. '/docs/notes.md'
vim.fn.mkdir(workdir .. '/docs', 'p')
vim.fn.writefile({ '- [] not a roadmap' }, notes)
vim.cmd.edit(notes)
local notes_buf = vim.api.nvim_get_current_buf()
vim.wait(500, function()
  return #vim.lsp.get_clients({ bufnr = notes_buf, name = 'tickmark' }) > 0
end, 20)
check(vim.bo[notes_buf].filetype == 'markdown' and #vim.lsp.get_clients({ bufnr = notes_buf, name = 'tickmark' }) == 0, 'a markdown file that is not a roadmap is not served')
local todo = workdir .. '/docs/todo.md'
vim.fn.writefile({ '- [ ] a task' }, todo)
vim.cmd.edit(todo)
local todo_buf = vim.api.nvim_get_current_buf()
vim.wait(timeout, function()
  return #vim.lsp.get_clients({ bufnr = todo_buf, name = 'tickmark' }) > 0
end, 20)
local todo_client = vim.lsp.get_clients({ bufnr = todo_buf, name = 'tickmark' })[1]
check(todo_client ~= nil and todo_client.id == client.id, 'docs/todo.md (lower case) is served by the same client')
local tickmark = require('tickmark')
check(tickmark.is_roadmap('/r/docs/TECH_DEBT.md', '/r', tickmark.default_globs) and tickmark.is_roadmap('/r/ROADMAP.md', '/r', tickmark.default_globs)
  and not tickmark.is_roadmap('/r/README.md', '/r', tickmark.default_globs), 'the default globs match as in tickmark.toml')
check(tickmark.is_roadmap('/r/plans/next.md', '/r', { 'plans/*.md' }) and not tickmark.is_roadmap('/r/plans/a/next.md', '/r', { 'plans/*.md' })
  and tickmark.is_roadmap('/r/a/NEXT.md', '/r', { '{NEXT,LATER}.md' }), 'configured globs: one folder level for *, braces')
check(#tickmark.globs({ settings = { tickmark = { roadmaps = { 'PLAN.md' } } } }) == 1, 'settings.tickmark.roadmaps replaces the default globs')
vim.cmd.buffer(buf)

-- 8. :checkhealth tickmark reports the binary and the client
vim.cmd('checkhealth tickmark')
local report = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n')
check(report:find('tickmark', 1, true) ~= nil and report:find('serves 2 buffer', 1, true) ~= nil and not report:find('ERROR', 1, true), ':checkhealth tickmark is clean', report)

finish()
