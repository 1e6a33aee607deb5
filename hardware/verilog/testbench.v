// hardware/verilog/testbench.v: chapter 11's proof in hardware, simulated. Runs every golden
// vector that `workbook export --format mem` wrote through three fully_connected layers in a
// chain, each reading the codes the one before it computed, and compares every accumulator,
// every output code and the class with the golden ones. Prints PASS, or the differences and
// then stops with $fatal (vvp exits with status 1).
//
//   iverilog -g2005 -I EXPORT_DIR -o testbench.vvp hardware/verilog/testbench.v hardware/verilog/fully_connected.v
//   cd EXPORT_DIR && vvp -n testbench.vvp
//
// The network has three FULLY_CONNECTED layers, as the shipped 784-512-100-10 models do.
`include "network.vh"

module testbench;
    localparam integer VECTORS = `QW_VECTORS;
    localparam integer N0 = `QW_LAYER0_INPUTS, N1 = `QW_LAYER1_INPUTS, N2 = `QW_LAYER2_INPUTS, N3 = `QW_LAYER2_OUTPUTS;

    reg clk = 1'b0;
    always #5 clk = ~clk;

    // The golden vectors, [vector][element] row-major.
    reg  [7:0] golden_input [0:VECTORS*N0-1];
    reg [31:0] golden_accumulators0 [0:VECTORS*N1-1];
    reg [31:0] golden_accumulators1 [0:VECTORS*N2-1];
    reg [31:0] golden_accumulators2 [0:VECTORS*N3-1];
    reg  [7:0] golden_outputs0 [0:VECTORS*N1-1];
    reg  [7:0] golden_outputs1 [0:VECTORS*N2-1];
    reg  [7:0] golden_outputs2 [0:VECTORS*N3-1];
    reg [31:0] golden_classes [0:VECTORS-1];

    // codesL: what layer L reads; layer L writes codesL+1. Registered reads, as block RAM.
    reg [7:0] codes0 [0:N0-1];
    reg [7:0] codes1 [0:N1-1];
    reg [7:0] codes2 [0:N2-1];
    reg [7:0] codes3 [0:N3-1];
    wire [15:0] address0, address1, address2;
    reg   [7:0] read0, read1, read2;
    always @(posedge clk) begin
        read0 <= codes0[address0];
        read1 <= codes1[address1];
        read2 <= codes2[address2];
    end

    reg start0 = 1'b0, start1 = 1'b0, start2 = 1'b0;
    wire valid0, valid1, valid2, done0, done1, done2;
    wire [15:0] channel0, channel1, channel2;
    wire signed [31:0] accumulator0, accumulator1, accumulator2;
    wire [7:0] code0, code1, code2;

    fully_connected #(`QW_LAYER0_PARAMETERS) layer0 (
        .clk(clk), .start(start0), .input_address(address0), .input_code(read0), .out_valid(valid0),
        .out_channel(channel0), .out_accumulator(accumulator0), .out_code(code0), .done(done0));
    fully_connected #(`QW_LAYER1_PARAMETERS) layer1 (
        .clk(clk), .start(start1), .input_address(address1), .input_code(read1), .out_valid(valid1),
        .out_channel(channel1), .out_accumulator(accumulator1), .out_code(code1), .done(done1));
    fully_connected #(`QW_LAYER2_PARAMETERS) layer2 (
        .clk(clk), .start(start2), .input_address(address2), .input_code(read2), .out_valid(valid2),
        .out_channel(channel2), .out_accumulator(accumulator2), .out_code(code2), .done(done2));

    integer vector = 0, compared = 0, differences = 0;

    task check(input [8*12-1:0] what, input integer layer, input integer index, input [31:0] expected, input [31:0] observed);
        begin
            compared = compared + 1;
            if (expected !== observed) begin
                differences = differences + 1;
                if (differences <= 10)
                    $display("vector %0d layer %0d %0s %0d: expected %0d, computed %0d",
                             vector, layer, what, index, $signed(expected), $signed(observed));
            end
        end
    endtask

    // A code as 32 bits: int8 codes sign-extended, uint8 codes zero-extended.
    function [31:0] widen(input [7:0] code);
        widen = `QW_CODES_SIGNED ? {{24{code[7]}}, code} : {24'd0, code};
    endfunction

    // Each output is stored for the next layer and compared as it leaves its layer.
    always @(posedge clk) begin
        if (valid0) begin
            codes1[channel0] <= code0;
            check("accumulator", 0, channel0, golden_accumulators0[vector*N1 + channel0], accumulator0);
            check("code", 0, channel0, widen(golden_outputs0[vector*N1 + channel0]), widen(code0));
        end
        if (valid1) begin
            codes2[channel1] <= code1;
            check("accumulator", 1, channel1, golden_accumulators1[vector*N2 + channel1], accumulator1);
            check("code", 1, channel1, widen(golden_outputs1[vector*N2 + channel1]), widen(code1));
        end
        if (valid2) begin
            codes3[channel2] <= code2;
            check("accumulator", 2, channel2, golden_accumulators2[vector*N3 + channel2], accumulator2);
            check("code", 2, channel2, widen(golden_outputs2[vector*N3 + channel2]), widen(code2));
        end
    end

    // A code as a number, for the argmax.
    function integer value(input [7:0] code);
        value = $signed(widen(code));
    endfunction

    // Clocks from the first layer's start to the last layer's done, for the first vector.
    integer clocks = 0, first_start = 0, first_done = 0;
    always @(posedge clk) begin
        clocks = clocks + 1;
        if (vector == 0 && start0) first_start = clocks;
        if (vector == 0 && done2 === 1'b1 && first_done == 0) first_done = clocks;
    end

    integer i, best;
    initial begin
        $readmemh("vectors_input.mem", golden_input);
        $readmemh("vectors_layer0_accumulators.mem", golden_accumulators0);
        $readmemh("vectors_layer1_accumulators.mem", golden_accumulators1);
        $readmemh("vectors_layer2_accumulators.mem", golden_accumulators2);
        $readmemh("vectors_layer0_outputs.mem", golden_outputs0);
        $readmemh("vectors_layer1_outputs.mem", golden_outputs1);
        $readmemh("vectors_layer2_outputs.mem", golden_outputs2);
        $readmemh("vectors_classes.mem", golden_classes);
        for (vector = 0; vector < VECTORS; vector = vector + 1) begin
            for (i = 0; i < N0; i = i + 1) codes0[i] = golden_input[vector*N0 + i];
            // Each layer starts once the one before has stored its last code, the edge after done.
            @(negedge clk) start0 = 1'b1; @(negedge clk) start0 = 1'b0;
            wait (done0); @(posedge clk); @(negedge clk) start1 = 1'b1; @(negedge clk) start1 = 1'b0;
            wait (done1); @(posedge clk); @(negedge clk) start2 = 1'b1; @(negedge clk) start2 = 1'b0;
            wait (done2); @(posedge clk); @(negedge clk);
            best = 0;
            for (i = 1; i < N3; i = i + 1) if (value(codes3[i]) > value(codes3[best])) best = i;
            check("class", 2, 0, golden_classes[vector], best);
        end
        $display("testbench: one vector takes %0d clocks through the 3 layers", first_done - first_start);
        if (`QW_TIES_AWAY)
            $display("testbench: %0d vectors, 3 layers, final shift ties away from zero (micro): %0d values compared, %0d differ",
                     VECTORS, compared, differences);
        else
            $display("testbench: %0d vectors, 3 layers, final shift ties toward +inf (optimized): %0d values compared, %0d differ",
                     VECTORS, compared, differences);
        if (differences != 0) $fatal(1, "testbench: the hardware differs from the golden vectors");
        $display("PASS");
        $finish;
    end
endmodule
