namespace Orleans.Adaptive.Learning.Anomaly;

/// <summary>A detector that scores each reading of a stream using only the readings before it.</summary>
public interface IStreamingDetector
{
    /// <summary>Scores the next reading (one value per metric; NaN for a missing one).</summary>
    AnomalyVerdict Observe(ReadOnlySpan<double> values);
}
