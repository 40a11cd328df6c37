import { readBulkForm, selectionErrors } from './bulk-form.js';

describe('the bulk decision form (as a browser posts it, then what the page says is wrong)', () => {
  it('reads one ticked return or several, each with the version its card showed, and leaves out malformed ones', () => {
    expect(readBulkForm({ returns: 'lsp~y1.S1@3', decision: 'approve' }).selected).toEqual([
      { returnId: 'lsp~y1.S1', version: 3 },
    ]);
    const form = readBulkForm({
      returns: ['lsp~y1.S1@3', 'lsp~y1.S2@x', '@4', 'lsp~y1.S3@0', 'lsp~y1.S4@12'],
      decision: 'send-back',
      reason: '  Add the figures ',
      mode: 'valid-only',
    });
    expect(form.selected).toEqual([
      { returnId: 'lsp~y1.S1', version: 3 },
      { returnId: 'lsp~y1.S4', version: 12 },
    ]);
    expect(form).toMatchObject({ decision: 'send-back', reason: 'Add the figures', mode: 'valid-only' });
    expect(readBulkForm({ decision: 'delete', mode: 'some' })).toMatchObject({ decision: null, mode: null });
  });

  it('asks for a selection, and for a reason only to send back, each error linking to its field', () => {
    expect(selectionErrors(readBulkForm({ decision: 'approve' }), 'select-1')).toEqual([
      { field: 'returns', text: 'Select the returns to decide', href: '#select-1' },
    ]);
    expect(selectionErrors(readBulkForm({ decision: 'send-back', returns: 'a.S1@2' }), 'select-1')).toEqual([
      { field: 'reason', text: 'Say what needs to change before sending them back', href: '#reason' },
    ]);
    expect(selectionErrors(readBulkForm({ decision: 'approve', returns: 'a.S1@2' }), 'select-1')).toEqual([]);
  });
});
