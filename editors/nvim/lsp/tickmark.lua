-- tickmark language server for roadmap markdown (ROADMAP.md, TODO.md, BACKLOG.md): the
-- markdown files that match the roadmap globs, as in the VS Code extension.
--
-- Enabled by plugin/tickmark.lua. To change a field, call vim.lsp.config before or after:
--   vim.lsp.config('tickmark', { cmd = { '/path/to/tickmark', 'lsp' } })

---@type vim.lsp.Config
return {
  cmd = { 'tickmark', 'lsp' },
  filetypes = { 'markdown' },
  -- Markdown buffers that match the roadmap globs (settings.tickmark.roadmaps, else the
  -- defaults), rooted at the nearest tickmark.toml or .git.
  root_dir = function(bufnr, on_dir)
    require('tickmark').root_dir(bufnr, on_dir)
  end,
  -- Sent as the `tickmark` section of workspace/configuration; keys as in tickmark.toml,
  -- e.g. { tickmark = { toggle = { cascade = 'down' } } }. tickmark.toml wins over these.
  settings = { tickmark = vim.empty_dict() },
}
