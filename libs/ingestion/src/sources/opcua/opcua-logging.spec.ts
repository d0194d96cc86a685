import { make_warningLog } from 'node-opcua';
import { routeOpcuaLogs } from './opcua-logging';

describe('routeOpcuaLogs', () => {
  it("sends node-opcua's warnings to the sink (debug) with where they come from, not to the console", () => {
    const sink = { warn: jest.fn(), debug: jest.fn() };
    const console = jest.spyOn(global.console, 'log').mockImplementation(() => undefined);
    try {
      routeOpcuaLogs(sink);
      make_warningLog('test')('server certificate chain contains %d element(s)', 1);
      expect(sink.debug).toHaveBeenCalledWith(expect.stringMatching(/^opcua-logging\.spec:\d+ server certificate chain contains 1 element\(s\)$/));
      expect(console).not.toHaveBeenCalled();
    } finally {
      console.mockRestore();
    }
  });
});
