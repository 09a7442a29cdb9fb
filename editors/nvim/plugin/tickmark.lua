-- tickmark: enables the tickmark language server for markdown buffers and adds
-- :TickmarkToggle to the buffers it serves. Set vim.g.tickmark_disable_autoenable = true
-- before this file runs to enable the server yourself (vim.lsp.enable('tickmark')).
if vim.g.loaded_tickmark then
  return
end
vim.g.loaded_tickmark = true

if vim.fn.has('nvim-0.11') == 0 then
  vim.notify('tickmark: Neovim 0.11 or later is needed', vim.log.levels.WARN)
  return
end

if not vim.g.tickmark_disable_autoenable then
  vim.lsp.enable('tickmark')
end

vim.keymap.set({ 'n', 'x' }, '<Plug>(TickmarkToggle)', function()
  require('tickmark').toggle_current()
end, { desc = 'tickmark: toggle the task(s) under the cursor or selection' })

vim.api.nvim_create_autocmd('LspAttach', {
  group = vim.api.nvim_create_augroup('tickmark', { clear = true }),
  callback = function(args)
    local client = vim.lsp.get_client_by_id(args.data.client_id)
    if not client or client.name ~= 'tickmark' then
      return
    end
    vim.api.nvim_buf_create_user_command(args.buf, 'TickmarkToggle', function(opts)
      require('tickmark').toggle(args.buf, opts.line1, opts.line2, opts.range > 0)
    end, { range = true, desc = 'tickmark: toggle the task on this line (or each task in the range)' })
  end,
})
