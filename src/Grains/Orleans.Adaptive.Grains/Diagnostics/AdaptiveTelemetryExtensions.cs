using Orleans.Adaptive.Diagnostics;

namespace OpenTelemetry.Metrics;

/// <summary>Wires Orleans.Adaptive's metrics into OpenTelemetry.</summary>
public static class AdaptiveTelemetryExtensions
{
    /// <summary>The name of Orleans.Adaptive's meter: <c>Orleans.Adaptive</c>.</summary>
    public const string MeterName = AdaptiveInstruments.MeterName;

    /// <summary>The name of Orleans' own meter: <c>Microsoft.Orleans</c>.</summary>
    public const string OrleansMeterName = "Microsoft.Orleans";

    /// <summary>
    /// Subscribes the meter provider to Orleans.Adaptive's node and partition metrics and, unless
    /// <paramref name="includeOrleansMetrics"/> is false, to Orleans' own <c>Microsoft.Orleans</c> meter beside them.
    /// </summary>
    public static MeterProviderBuilder AddAdaptiveInstrumentation(this MeterProviderBuilder builder, bool includeOrleansMetrics = true)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddMeter(MeterName);
        if (includeOrleansMetrics)
        {
            builder.AddMeter(OrleansMeterName);
        }

        return builder;
    }
}
