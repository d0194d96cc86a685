"""An independent Modbus TCP server (pymodbus) holding known values of every data type in every word/byte
order, so IDM's decoding is checked against another implementation's encoding, not only our simulator's.

Usage: modbus_reference_server.py PORT  (prints one JSON line describing the layout, then serves)."""
import asyncio
import json
import sys

from pymodbus.constants import Endian
from pymodbus.datastore import ModbusSequentialDataBlock, ModbusServerContext, ModbusSlaveContext
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
    # Input registers hold the same values shifted by 1000, so a mix-up of the two areas shows.
    coils = [i % 3 == 0 for i in range(40)]
    discrete = [i % 4 == 1 for i in range(40)]
    store = ModbusSlaveContext(
        hr=ModbusSequentialDataBlock(0, holding + [0] * 10),
        ir=ModbusSequentialDataBlock(1000, holding + [0] * 10),
        co=ModbusSequentialDataBlock(0, coils + [False] * 8),
        di=ModbusSequentialDataBlock(0, discrete + [False] * 8),
        zero_mode=True,
    )
    context = ModbusServerContext(slaves={7: store}, single=False)
    print(json.dumps({"unit_id": 7, "cases": cases, "coils": coils, "discrete_inputs": discrete}), flush=True)
    await StartAsyncTcpServer(context=context, address=("127.0.0.1", port))


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
