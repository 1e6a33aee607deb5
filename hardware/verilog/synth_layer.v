// hardware/verilog/synth_layer.v: the top module Yosys synthesizes for chapter 11's resource
// counts: one fully_connected with the parameters network.vh gives layer 0, 1 or 2 (define
// SYNTH_LAYER1 or SYNTH_LAYER2; layer 0 otherwise), every port brought out to a pin.
`include "network.vh"
`ifdef SYNTH_LAYER2
`define SYNTH_PARAMETERS `QW_LAYER2_PARAMETERS
`elsif SYNTH_LAYER1
`define SYNTH_PARAMETERS `QW_LAYER1_PARAMETERS
`else
`define SYNTH_PARAMETERS `QW_LAYER0_PARAMETERS
`endif

module synth_layer (
    input  wire        clk,
    input  wire        start,
    output wire [15:0] input_address,
    input  wire  [7:0] input_code,
    output wire        out_valid,
    output wire [15:0] out_channel,
    output wire [31:0] out_accumulator,
    output wire  [7:0] out_code,
    output wire        done
);
    fully_connected #(`SYNTH_PARAMETERS) layer (
        .clk(clk), .start(start), .input_address(input_address), .input_code(input_code),
        .out_valid(out_valid), .out_channel(out_channel), .out_accumulator(out_accumulator),
        .out_code(out_code), .done(done));
endmodule
