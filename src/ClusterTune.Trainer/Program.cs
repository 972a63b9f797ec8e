// Entry point of ClusterTune.Trainer; the commands are added by the issue that builds this program.
Console.Error.WriteLine("ClusterTune.Trainer: no command given");
return 2;
