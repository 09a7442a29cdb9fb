-- tickmark language server for roadmap markdown (ROADMAP.md, TODO.md, BACKLOG.md).
--
-- Enabled by plugin/tickmark.lua. To change a field, call vim.lsp.config before or after:
--   vim.lsp.config('tickmark', { cmd = { '/path/to/tickmark', 'lsp' } })

---@type vim.lsp.Config
return {
  cmd = { 'tickmark', 'lsp' },
  filetypes = { 'markdown' },
  root_markers = { 'tickmark.toml', '.git' },
  -- Sent as the `tickmark` section of workspace/configuration; keys as in tickmark.toml,
  -- e.g. { tickmark = { toggle = { cascade = 'down' } } }. tickmark.toml wins over these.
  settings = { tickmark = vim.empty_dict() },
}
