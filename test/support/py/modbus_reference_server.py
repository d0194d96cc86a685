"""An independent Modbus TCP server (pymodbus) holding known values of every data type in every word/byte
order, so IDM's decoding is checked against another implementation's encoding, not only our simulator's.

Holding registers 80..99 hold their own address (register 85 = 85). Faults are set at run time by JSON lines
on stdin, each answered by one line on stdout: {"refuse": [85]} answers exception 2 (illegal data address)
to any holding read covering register 85; {"short": [90]} answers a holding read covering 90 with one
register fewer than asked. Unit 9 is a gateway route whose device never answers: every request to it gets
exception 11 (gateway target device failed to respond); other unknown unit ids get no answer at all.

Usage: modbus_reference_server.py PORT  (prints one JSON line describing the layout, then serves)."""
import asyncio
import json
import sys
import threading

from pymodbus.constants import Endian
from pymodbus.datastore import ModbusSequentialDataBlock, ModbusServerContext, ModbusSlaveContext
from pymodbus.exceptions import NoSuchSlaveException
from pymodbus.payload import BinaryPayloadBuilder
from pymodbus.server import StartAsyncTcpServer

VALUES = {
    "int16": -12345,
    "uint16": 54321,
    "int32": -123456789,
    "uint32": 3123456789,
    "float32": 123.456,
    "float64": -98765.4321,
}
ADDERS = {
    "int16": "add_16bit_int",
    "uint16": "add_16bit_uint",
    "int32": "add_32bit_int",
    "uint32": "add_32bit_uint",
    "float32": "add_32bit_float",
    "float64": "add_64bit_float",
}
ORDER = {"big": Endian.BIG, "little": Endian.LITTLE}
# Replaced as a whole by the stdin reader thread (one assignment: no lock needed).
FAULTS = {"refuse": frozenset(), "short": frozenset()}
NUMBERED = range(80, 100)


def covers(addresses, address, count):
    return any(address <= a < address + count for a in addresses)


class FaultyBlock(ModbusSequentialDataBlock):
    """Holding registers that can refuse or short-answer reads covering chosen addresses."""

    def validate(self, address, count=1):
        return not covers(FAULTS["refuse"], address, count) and super().validate(address, count)

    def getValues(self, address, count=1):
        values = super().getValues(address, count)
        return values[:-1] if covers(FAULTS["short"], address, count) else values


class DeadGatewayRoute(ModbusSlaveContext):
    """A unit id routed by a gateway to a device that is gone: pymodbus answers NoSuchSlave with exception 11."""

    def validate(self, fc_as_hex, address, count=1):
        raise NoSuchSlaveException("gateway target device failed to respond")


def read_faults():
    global FAULTS
    for line in sys.stdin:
        cmd = json.loads(line)
        FAULTS = {"refuse": frozenset(cmd.get("refuse", [])), "short": frozenset(cmd.get("short", []))}
        print(json.dumps({"faults": cmd}), flush=True)


def build():
    holding, cases = [], []
    for data_type, value in VALUES.items():
        for word_order in ("big", "little"):
            for byte_order in ("big", "little"):
                b = BinaryPayloadBuilder(byteorder=ORDER[byte_order], wordorder=ORDER[word_order])
                getattr(b, ADDERS[data_type])(value)
                regs = b.to_registers()
                cases.append({"address": len(holding), "data_type": data_type, "word_order": word_order,
                              "byte_order": byte_order, "value": value, "registers": regs})
                holding.extend(regs)
    return holding, cases


async def main(port):
    holding, cases = build()
    holding = holding + [0] * (NUMBERED.start - len(holding)) + list(NUMBERED)
    # Input registers hold the same values shifted by 1000, so a mix-up of the two areas shows.
    coils = [i % 3 == 0 for i in range(40)]
    discrete = [i % 4 == 1 for i in range(40)]
    store = ModbusSlaveContext(
        hr=FaultyBlock(0, holding + [0] * 10),
        ir=ModbusSequentialDataBlock(1000, holding + [0] * 10),
        co=ModbusSequentialDataBlock(0, coils + [False] * 8),
        di=ModbusSequentialDataBlock(0, discrete + [False] * 8),
        zero_mode=True,
    )
    context = ModbusServerContext(slaves={7: store, 9: DeadGatewayRoute(zero_mode=True)}, single=False)
    print(json.dumps({"unit_id": 7, "cases": cases, "coils": coils, "discrete_inputs": discrete}), flush=True)
    threading.Thread(target=read_faults, daemon=True).start()
    await StartAsyncTcpServer(context=context, address=("127.0.0.1", port))


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
