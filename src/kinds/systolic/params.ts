/** Parameters of the `systolic` kind: an R×C PE array with WS/OS/IS dataflows, three double-buffered SRAMs and a DRAM interface. */
import { z } from 'zod';
import { commonArchShape, group, param } from '../../config/param.js';
import { bufferSchema, dramSchema } from '../../memory/level.js';

const scalesim = 'SCALE-Sim v2 default scale.cfg (scalesim.md)';

export const systolicSchema = z.strictObject({
  ...commonArchShape,
  array: group(
    {
      rows: param(z.number().int().positive(), 32, { unit: 'PEs', description: 'PE rows of the array', source: scalesim }),
      cols: param(z.number().int().positive(), 32, { unit: 'PEs', description: 'PE columns of the array', source: scalesim }),
    },
    'The PE array',
  ),
  dataflow: param(z.enum(['os', 'ws', 'is']), 'os', {
    unit: '-',
    description: 'os: outputs stay in PEs; ws: weights stay; is: inputs stay (SCALE-Sim operand mapping)',
    source: scalesim,
  }),
  wordBits: param(z.number().int().positive(), 8, {
    unit: 'bits',
    description: 'Word width of buffers and DRAM ports (SCALE-Sim words are 1 byte)',
    source: 'SCALE-Sim v2: word size 1 byte (scalesim.md)',
  }),
  buffers: group(
    {
      ifmap: bufferSchema(64, 'IFMAP', scalesim),
      filter: bufferSchema(64, 'filter', scalesim),
      ofmap: bufferSchema(64, 'OFMAP', scalesim),
    },
    'On-chip SRAM buffers',
  ),
  dram: dramSchema,
  vector: group(
    {
      lanes: param(z.number().int().positive(), 32, {
        unit: 'ops/cycle',
        description: 'Element-wise unit beside the array for batch-norm, ReLU, pooling and add layers',
        source: 'guess: one lane per array column, like a TPU-style activation pipeline',
      }),
    },
    'Element-wise (post-processing) unit',
  ),
});

/** Validated parameters of a systolic design. */
export type SystolicParams = z.output<typeof systolicSchema>;
