-- :checkhealth tickmark
local M = {}

function M.check()
  local health = vim.health
  health.start('tickmark')

  if vim.fn.has('nvim-0.11') == 1 then
    health.ok('Neovim ' .. tostring(vim.version()))
  else
    health.error('Neovim 0.11 or later is needed', { 'Update Neovim' })
    return
  end

  local config = vim.lsp.config.tickmark
  local cmd = config and config.cmd
  if type(cmd) ~= 'table' or not cmd[1] then
    health.warn('vim.lsp.config.tickmark has no command list', { 'Is editors/nvim on the runtimepath?' })
  else
    local exe = vim.fn.exepath(cmd[1])
    if exe == '' then
      health.error(('`%s` was not found'):format(cmd[1]), {
        'Install it from a clone of the tickmark repository: cargo install --locked --path .  (README.md, section Install)',
        "Or point at it: vim.lsp.config('tickmark', { cmd = { '/path/to/tickmark', 'lsp' } })",
      })
    else
      local result = vim.system({ exe, '--version' }, { text = true }):wait(5000)
      local version = vim.trim(result.stdout or '')
      if result.code == 0 and version:match('%d+%.%d+%.%d+') then
        health.ok(('%s: %s'):format(exe, version))
      else
        health.error(('`%s --version` failed: %s'):format(exe, vim.trim(result.stderr or '')), { 'Reinstall tickmark' })
      end
    end
  end

  if vim.g.tickmark_disable_autoenable then
    health.info('vim.g.tickmark_disable_autoenable is set: enable the server with vim.lsp.enable("tickmark")')
  end
  local enabled = vim.lsp.is_enabled and vim.lsp.is_enabled('tickmark')
  if enabled == false then
    health.warn('the tickmark server is not enabled', { "vim.lsp.enable('tickmark')" })
  end

  local globs = require('tickmark').globs(config)
  health.info(('served files (roadmap globs): %s; see :help tickmark-roadmap-globs'):format(table.concat(globs, ', ')))

  local clients = vim.lsp.get_clients({ name = 'tickmark' })
  if #clients == 0 then
    health.info('no tickmark server is running (open a file that matches the roadmap globs to start one)')
  end
  for _, client in ipairs(clients) do
    local buffers = vim.tbl_keys(client.attached_buffers)
    health.ok(('client %d (root %s) serves %d buffer(s)'):format(client.id, client.root_dir or 'none', #buffers))
  end
end

return M
