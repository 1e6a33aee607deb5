// hardware/verilog/fully_connected.v: chapter 11's proof in hardware. One quantized
// FULLY_CONNECTED layer in synthesizable Verilog-2005, computing exactly what TFLite Micro's
// FullyConnected and MultiplyByQuantizedMultiplier compute (TIES_AWAY = 1), or LiteRT's
// optimized kernels (TIES_AWAY = 0): equations (11.1)-(11.4) of chapters/11-hardware.md.
//
// One multiply-accumulate per clock over the inputs, output channel after output channel, then
// the requantization in four steps: the bias, the 32x32 -> 64-bit product acc*M0, its rounded
// high half (gemmlowp SRDHM), the rounding right shift; then Z3 and the clamp.
// A channel takes INPUTS + 6 clocks. The layer's constants come from the .mem files that
// `workbook export --format mem` writes, and its parameters from the network.vh beside them.
//
// The layer reads its input codes from a memory outside it: it drives input_address and expects
// that input's code on input_code one clock later, as a block RAM with a registered read does.
module fully_connected #(
    parameter integer INPUTS = 784,
    parameter integer OUTPUTS = 512,
    parameter integer WEIGHTS_SIGNED = 1,     // 1: int8 weights, 0: uint8
    parameter integer CODES_SIGNED = 1,       // 1: int8 input and output codes, 0: uint8
    parameter integer INPUT_ZERO_POINT = -128,   // Z1
    parameter integer OUTPUT_ZERO_POINT = -128,  // Z3
    parameter integer OUTPUT_MIN = -128,
    parameter integer OUTPUT_MAX = 127,
    parameter integer TIES_AWAY = 1,          // the final shift: 1 micro (ties away from zero), 0 optimized (ties up)
    parameter WEIGHTS_FILE = "layer0_weights.mem",
    parameter WEIGHT_ZERO_POINTS_FILE = "layer0_weight_zero_points.mem",
    parameter BIAS_FILE = "layer0_bias.mem",
    parameter MULTIPLIERS_FILE = "layer0_multipliers.mem",
    parameter SHIFTS_FILE = "layer0_shifts.mem"
) (
    input  wire               clk,
    input  wire               start,            // one clock high: compute every channel for the input now in memory
    output wire        [15:0] input_address,
    input  wire         [7:0] input_code,       // the code at input_address, one clock later
    output reg                out_valid,        // one clock high per output channel
    output reg         [15:0] out_channel,
    output reg  signed [31:0] out_accumulator,  // acc of (11.1), bias included
    output reg          [7:0] out_code,         // the output code of (11.4)
    output reg                done              // high from the last channel until the next start
);
    // The layer's constants, packed as chapter 11 describes: row-major, two's complement.
    reg  [7:0] weights [0:INPUTS*OUTPUTS-1];           // q_w[c][k] at c*INPUTS + k
    reg [15:0] weight_zero_points [0:OUTPUTS-1];       // Z2[c]
    reg [31:0] biases [0:OUTPUTS-1];
    reg [31:0] multipliers [0:OUTPUTS-1];              // M0[c]
    reg  [7:0] shifts [0:OUTPUTS-1];
    initial begin
        $readmemh(WEIGHTS_FILE, weights);
        $readmemh(WEIGHT_ZERO_POINTS_FILE, weight_zero_points);
        $readmemh(BIAS_FILE, biases);
        $readmemh(MULTIPLIERS_FILE, multipliers);
        $readmemh(SHIFTS_FILE, shifts);
    end

    localparam [2:0] IDLE = 3'd0, ACCUMULATE = 3'd1, ADD_BIAS = 3'd2, MULTIPLY = 3'd3,
                     HIGH_HALF = 3'd4, ROUND = 3'd5, EMIT = 3'd6;
    reg  [2:0] state = IDLE;
    reg [15:0] channel = 16'd0;
    reg [16:0] k = 17'd0;                  // the next input to fetch, 0 to INPUTS
    reg [31:0] row_start = 32'd0;          // channel * INPUTS
    reg        fetched = 1'b0;             // a weight and an input code arrive this clock

    assign input_address = k[15:0];

    // Registered reads, as block RAM does: each value arrives one clock after its address.
    reg         [7:0] weight_q;
    reg signed [15:0] weight_zero_point_q;
    reg signed [31:0] bias_q, multiplier_q;
    reg signed  [7:0] shift_q;
    always @(posedge clk) begin
        weight_q <= weights[row_start + k];
        weight_zero_point_q <= weight_zero_points[channel];
        bias_q <= biases[channel];
        multiplier_q <= multipliers[channel];
        shift_q <= shifts[channel];
    end

    // snippet.mac
    // (11.1) One product per clock. Each factor is a code minus a zero point, -255 to 255 (9 bits;
    // we give it 10), so a product is at most 255*255 = 65025 in magnitude (17 bits; we give it 20).
    wire signed  [9:0] weight_value = WEIGHTS_SIGNED ? {{2{weight_q[7]}}, weight_q} : {2'b00, weight_q};
    wire signed  [9:0] input_value  = CODES_SIGNED ? {{2{input_code[7]}}, input_code} : {2'b00, input_code};
    wire signed  [9:0] weight_term  = weight_value - weight_zero_point_q[9:0];
    wire signed  [9:0] input_term   = input_value - INPUT_ZERO_POINT;
    wire signed [19:0] product      = weight_term * input_term;
    // snippet.end

    // snippet.requantize
    // (11.2) x = acc * 2^left, wrapping in 32 bits as TFLite's does; left and right from the shift.
    reg  signed [31:0] accumulator;
    wire         [4:0] left  = shift_q > 0 ? shift_q[4:0] : 5'd0;
    wire         [4:0] right = shift_q < 0 ? -shift_q[4:0] : 5'd0;
    wire signed [31:0] x = accumulator <<< left;
    reg  signed [63:0] wide;       // x * M0, the 32x32 -> 64-bit product
    reg                saturate;   // (-2^31) * (-2^31), the one product SRDHM saturates

    // (11.3) SRDHM: the nudge rounds to nearest, ties toward +inf; gemmlowp then divides by 2^31
    // in C, truncating toward zero, so a negative sum needs 2^31 - 1 added before the shift.
    wire signed [63:0] nudged      = wide + (wide >= 0 ? 64'sd1073741824 : -64'sd1073741823);
    wire signed [63:0] toward_zero = nudged + (nudged < 0 ? 64'sd2147483647 : 64'sd0);
    wire signed [31:0] high_half   = saturate ? 32'sh7fffffff : toward_zero[62:31];
    reg  signed [31:0] high;

    // (11.4) high / 2^right, rounded to nearest. micro: gemmlowp RoundingDivideByPOT, ties away
    // from zero. optimized: ARM VRSHL, floor(high / 2^right + 1/2), ties toward +inf.
    wire        [31:0] mask      = (32'd1 << right) - 32'd1;
    wire        [31:0] remainder = high & mask;
    wire        [31:0] threshold = (mask >> 1) + (high < 0 ? 32'd1 : 32'd0);
    wire signed [31:0] away      = (high >>> right) + (remainder > threshold ? 32'sd1 : 32'sd0);
    wire signed [32:0] half      = right == 5'd0 ? 33'sd0 : 33'sd1 <<< (right - 5'd1);
    wire signed [32:0] up        = ($signed({high[31], high}) + half) >>> right;
    reg  signed [31:0] scaled;

    // Z3, then the clamp to [OUTPUT_MIN, OUTPUT_MAX].
    wire signed [33:0] with_zero_point = scaled + OUTPUT_ZERO_POINT;
    wire signed [33:0] clamped = with_zero_point < OUTPUT_MIN ? OUTPUT_MIN
                               : with_zero_point > OUTPUT_MAX ? OUTPUT_MAX : with_zero_point;
    // snippet.end

    // snippet.control
    always @(posedge clk) begin
        out_valid <= 1'b0;
        case (state)
            IDLE: if (start) begin
                channel <= 16'd0; row_start <= 32'd0; k <= 17'd0; fetched <= 1'b0;
                accumulator <= 32'sd0; done <= 1'b0; state <= ACCUMULATE;
            end
            ACCUMULATE: begin
                if (fetched) accumulator <= accumulator + product;
                if (k < INPUTS) begin
                    k <= k + 17'd1; fetched <= 1'b1;
                end else begin
                    fetched <= 1'b0; state <= ADD_BIAS;  // the last product arrives now
                end
            end
            ADD_BIAS: begin accumulator <= accumulator + bias_q; state <= MULTIPLY; end
            MULTIPLY: begin
                wide <= x * multiplier_q;
                saturate <= x == 32'sh80000000 && multiplier_q == 32'sh80000000;
                state <= HIGH_HALF;
            end
            HIGH_HALF: begin high <= high_half; state <= ROUND; end
            ROUND: begin scaled <= TIES_AWAY ? away : up[31:0]; state <= EMIT; end
            EMIT: begin
                out_valid <= 1'b1; out_channel <= channel;
                out_accumulator <= accumulator; out_code <= clamped[7:0];
                if (channel == OUTPUTS - 1) begin
                    done <= 1'b1; state <= IDLE;
                end else begin
                    channel <= channel + 16'd1; row_start <= row_start + INPUTS;
                    k <= 17'd0; accumulator <= 32'sd0; state <= ACCUMULATE;
                end
            end
            default: state <= IDLE;
        endcase
    end
    // snippet.end
endmodule
